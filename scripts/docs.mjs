// Rewrites the generated parts of the docs (between their markers, see scripts/docs/markers.mjs):
//   options   the option reference in docs/options.md, and src/options/config-options.ts (the library's
//             option type), from the option table;
//   patterns  the table of failure patterns in docs/explanations.md, from the catalogue;
//   json      the field reference of the JSON documents in docs/json.md, from the result types.
// `node scripts/docs.mjs [options|patterns|json]...` (all of them without an argument). options and
// patterns read the compiled code: run `npm run build` first (`npm run docs:options` and the other
// `docs:*` scripts do). Unit tests fail when a page and the code disagree: test/unit/options-table.test.ts,
// test/unit/docs-generated.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';

import { replaceBetween } from './docs/markers.mjs';

const root = new URL('../', import.meta.url);

function rewrite(page, name, body) {
  const url = new URL(page, root);
  const text = readFileSync(url, 'utf8');
  const next = replaceBetween(text, name, body, page);
  if (next !== text) writeFileSync(url, next);
  console.log(`${page}: ${name} ${next === text ? 'unchanged' : 'rewritten'}`);
}

const generators = {
  async options() {
    const { renderConfigTypes, renderOptionsMarkdown } = await import('../dist/options/render-docs.js');
    rewrite('docs/options.md', 'options', renderOptionsMarkdown());
    writeFileSync(new URL('src/options/config-options.ts', root), renderConfigTypes());
  },
  async patterns() {
    const { FAILURE_PATTERNS } = await import('../dist/explain/cause/patterns.js');
    const { renderPatternTable } = await import('./docs/pattern-table.mjs');
    rewrite('docs/explanations.md', 'failure-patterns', renderPatternTable(FAILURE_PATTERNS));
  },
  async json() {
    const { renderJsonReference } = await import('./docs/json-reference.mjs');
    rewrite('docs/json.md', 'json-reference', renderJsonReference());
  },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in generators));
if (unknown.length > 0) {
  console.error(`usage: node scripts/docs.mjs [${Object.keys(generators).join('|')}]...  (unknown: ${unknown.join(', ')})`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(generators)) await generators[name]();
