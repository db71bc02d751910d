/** The text between `<!-- name:start -->` and `<!-- name:end -->`, without the line breaks that frame it. */
export function readBetween(text: string, name: string, page?: string): string;
/** The page with `body` between the markers (on lines of its own). */
export function replaceBetween(text: string, name: string, body: string, page?: string): string;
