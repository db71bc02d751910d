/** What the table shows of a failure pattern (FailurePattern in src/explain/cause/pattern-shape.ts). */
export interface PatternRow {
  id: string;
  family: string;
  title: string;
  evidence: string;
  links: readonly string[];
  certainty: string;
}

/** The Markdown table: family, pattern id, what it is, the evidence it reads, the findings it links, how sure. */
export function renderPatternTable(patterns: readonly PatternRow[]): string;
