/**
 * The pages as a whole: the README stays short (a user reads it in five minutes; reference lives in
 * docs/), every relative link of the README, CONTRIBUTING.md and docs/*.md leads to a file and, with
 * an anchor, to a heading of it (GitHub's anchors), no page sends the reader to an issue they cannot
 * see, and the layer table in CONTRIBUTING.md is the one .dependency-cruiser.mjs enforces.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

import { readBetween } from '../../scripts/docs/markers.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const README_MAX_LINES = 350;

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The text outside fenced code blocks (``` or ~~~, three or more), line by line; fenced lines are blank. */
function outsideFences(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && opener) {
      fence = opener;
      return '';
    }
    if (fence !== undefined) {
      if (line.trim().startsWith(fence[0]!.repeat(fence.length)) && line.trim().replaceAll(fence[0]!, '') === '') fence = undefined;
      return '';
    }
    return line;
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(text)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const words = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(words) ?? 0;
    seen.set(words, count + 1);
    anchors.add(count === 0 ? words : `${words}-${count}`);
  }
  return anchors;
}

/** Every link target of the page, outside code (fenced blocks and inline code spans). */
function linkTargets(text: string): string[] {
  const prose = outsideFences(text)
    .join('\n')
    .replace(/`[^`\n]*`/g, 'code');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('the README', () => {
  it(`is at most ${README_MAX_LINES} lines: reference lives in docs/`, () => {
    const lines = read('README.md').replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('keeps the two commands CI runs, and the step that puts the command on the PATH', () => {
    const readme = read('README.md');
    expect(readme).toMatch(/```sh\nnpm install\nnpm test\n```/);
    expect(readme).toContain('npm link');
    expect(read('.ci/run')).toMatch(/\nnpm test\n/);
  });

  it('links every page of docs/ and CONTRIBUTING.md', () => {
    const targets = new Set(linkTargets(read('README.md')).map((t) => t.split('#')[0]));
    for (const page of PAGES.filter((p) => p !== 'README.md')) expect(targets, page).toContain(page);
  });
});

describe('links between the pages', () => {
  it('finds the pages and their links', () => {
    expect(PAGES.length).toBeGreaterThan(10);
    expect(linkTargets(read('README.md')).length).toBeGreaterThan(10);
  });

  it.each(PAGES)('%s: every relative link leads to a file, and every anchor to a heading of it', (page) => {
    const broken: string[] = [];
    for (const target of linkTargets(read(page))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURIComponent(path));
      if (!file.startsWith(ROOT) || !existsSync(file)) {
        broken.push(`${target}: no file ${relative(ROOT, file)}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(file).isDirectory() || !file.endsWith('.md')) broken.push(`${target}: an anchor into a file that is not a page`);
      else if (!headingAnchors(readFileSync(file, 'utf8')).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${relative(ROOT, file)}`);
    }
    expect(broken).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    const anchors = headingAnchors(
      [
        '# Fly.io',
        '## Verdicts, skips and what "bad" means',
        "## The container's environment and limits",
        '## Builders: BuildKit and the classic builder',
        '### `schemaVersion` and [links](x.md)',
        '## Limits',
        '## Limits',
        '```md',
        '## Not a heading',
        '```',
      ].join('\n'),
    );
    expect([...anchors]).toEqual([
      'flyio',
      'verdicts-skips-and-what-bad-means',
      'the-containers-environment-and-limits',
      'builders-buildkit-and-the-classic-builder',
      'schemaversion-and-links',
      'limits',
      'limits-1',
    ]);
  });
});

describe('the pages stand on their own', () => {
  const ISSUE = /\bissue\s*#?\d+|\bthe issue\b/i;

  it.each([...PAGES, ...readdirSync(join(ROOT, 'docs', 'ci')).map((name) => `docs/ci/${name}`)])('%s mentions no issue', (page) => {
    const lines = read(page)
      .split('\n')
      .map((line, i) => `${page}:${i + 1}: ${line}`)
      .filter((line) => ISSUE.test(line.slice(line.indexOf(': ') + 2)));
    expect(lines).toEqual([]);
  });
});

describe('CONTRIBUTING.md, the layers', () => {
  it('lists the layers of .dependency-cruiser.mjs, each with what it may import', async () => {
    const config = (await import(pathToFileURL(join(ROOT, '.dependency-cruiser.mjs')).href)) as {
      default: { forbidden: { name: string; from: { path: string }; to: { pathNot?: string[] } }[] };
    };
    const rules = config.default.forbidden.filter((rule) => rule.name.startsWith('layer-'));
    const nameOf = new Map(rules.map((rule) => [rule.from.path, rule.name.slice('layer-'.length)]));
    const enforced = rules.map((rule) => [
      rule.name.slice('layer-'.length),
      (rule.to.pathNot ?? []).slice(1).map((files) => nameOf.get(files) ?? files),
    ]);
    const table = readBetween(read('CONTRIBUTING.md'), 'layers', 'CONTRIBUTING.md');
    const documented = table
      .split('\n')
      .slice(2)
      .map((row) => {
        const [name, , imports] = row.replace(/^\| | \|$/g, '').split(' | ');
        return [name!.replaceAll('`', ''), imports === 'nothing' ? [] : imports!.split(', ')];
      });
    expect(enforced.length).toBeGreaterThan(10);
    expect(documented).toEqual(enforced);
  });
});
