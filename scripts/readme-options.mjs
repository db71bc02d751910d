// Rewrites the README's option reference (between the options markers) and src/options/config-options.ts
// (the library's option type) from the option table.
// Run after `npm run build`: `npm run docs:options`. test/unit/options-table.test.ts checks they agree.
import { readFileSync, writeFileSync } from 'node:fs';

import { renderConfigTypes, renderOptionsMarkdown } from '../dist/options/render-docs.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = '<!-- options:start -->';
const end = '<!-- options:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from === -1 || to === -1) throw new Error('README.md lacks the options markers');
writeFileSync(path, `${readme.slice(0, from + start.length)}\n${renderOptionsMarkdown()}\n${readme.slice(to)}`);
writeFileSync(new URL('../src/options/config-options.ts', import.meta.url), renderConfigTypes());
