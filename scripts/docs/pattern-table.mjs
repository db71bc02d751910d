// The table of failure patterns in docs/explanations.md, rendered from the catalogue
// (FAILURE_PATTERNS, src/explain/cause/patterns.ts and the family files beside it): one row per
// pattern, grouped by family, in the catalogue's order within a family.

/** The order families are listed in; a family not named here comes after them, as the catalogue orders it. */
const FAMILY_ORDER = ['ports', 'permissions', 'missing things', 'environment', 'runtime', 'health', 'memory', 'dependencies'];

// A `|` inside a table cell ends the cell, even inside backticks, unless escaped.
const cell = (text) => text.replaceAll('|', '\\|');
const code = (text) => `\`${text}\``;

function familyRank(family, patterns) {
  const known = FAMILY_ORDER.indexOf(family);
  return known !== -1 ? known : FAMILY_ORDER.length + patterns.findIndex((p) => p.family === family);
}

/** The Markdown table: family, pattern id, what it is, the evidence it reads, the findings it links, how sure. */
export function renderPatternTable(patterns) {
  const ordered = patterns
    .map((pattern, index) => ({ pattern, index }))
    .sort((a, b) => familyRank(a.pattern.family, patterns) - familyRank(b.pattern.family, patterns) || a.index - b.index)
    .map(({ pattern }) => pattern);
  const rows = ordered.map((p) =>
    [p.family, code(p.id), p.title, code(p.evidence), p.links.map(code).join(', '), p.certainty].map(cell).join(' | '),
  );
  return [
    '| family | pattern | what it is | evidence | linked findings | how sure |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}
