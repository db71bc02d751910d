/** The documents the commands print, each the type of one result. */
export const DOCUMENTS: readonly { type: string; file: string }[];
/** The field reference of the JSON documents as Markdown: one section per type, the documents first. */
export function renderJsonReference(): string;
