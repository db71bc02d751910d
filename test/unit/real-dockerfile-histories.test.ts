/**
 * `explain` over real Dockerfile histories (test/fixtures/dockerfile-histories, see SOURCES.txt):
 * every consecutive pair explains without error, the findings that matter are there, and nothing
 * is reported for the same Dockerfile rewritten with other whitespace and comments, or with its
 * EXPOSE and LABEL lines moved within their stage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { diffDockerfiles } from '../../src/explain/dockerfile-diff.js';
import { explainChange, type Explanation } from '../../src/explain/explain-change.js';
import { TestRepo } from '../fixtures/git-repo.js';

const ROOT = join(import.meta.dirname, '../fixtures/dockerfile-histories');
const PROJECTS = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const versions = (project: string) =>
  readdirSync(join(ROOT, project))
    .filter((f) => f.endsWith('.Dockerfile'))
    .sort()
    .map((f) => ({ name: f.slice(0, 3), text: readFileSync(join(ROOT, project, f), 'utf8') }));

/** Same instructions, other layout: trailing spaces, comments and blank lines between instructions, deeper continuation indents. */
function relaidOut(text: string): string {
  const out: string[] = [];
  let continued = false;
  for (const line of text.split('\n')) {
    const instruction = !continued && /^[A-Za-z]+\s/.test(line);
    if (instruction) out.push('', '# (a comment)');
    const body = continued && line.trim() !== '' && !line.trimStart().startsWith('#') ? `    ${line}` : line;
    continued = /\\\s*$/.test(line) || (continued && line.trimStart().startsWith('#'));
    out.push(continued || body.trim() === '' ? body : `${body}   `);
  }
  return out.join('\n');
}

/** Single-line EXPOSE and LABEL instructions moved to just after their stage's FROM. */
function reordered(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let fromAt = -1;
  let continued = false;
  for (const line of lines) {
    const movable = !continued && /^(EXPOSE|LABEL)\s/i.test(line) && !/\\\s*$/.test(line);
    if (!continued && /^FROM\s/i.test(line)) {
      out.push(line);
      fromAt = out.length;
    } else if (movable && fromAt >= 0) {
      out.splice(fromAt, 0, line);
      fromAt++;
    } else {
      out.push(line);
    }
    continued = /\\\s*$/.test(line);
  }
  return out.join('\n');
}

describe('explain over real Dockerfile histories', () => {
  const repos: TestRepo[] = [];
  const explained = new Map<string, Explanation>();

  beforeAll(async () => {
    for (const project of PROJECTS) {
      const repo = new TestRepo();
      repos.push(repo);
      const shas = versions(project).map((v) => repo.commit(`version ${v.name}`, { Dockerfile: v.text }));
      const names = versions(project).map((v) => v.name);
      for (let i = 1; i < shas.length; i++) {
        const spec = { repoDir: repo.dir, before: shas[i - 1]!, after: shas[i]!, contextDir: '.', dockerfile: 'Dockerfile' };
        explained.set(`${project} ${names[i]}`, await explainChange(spec));
      }
    }
  });
  afterAll(() => {
    for (const repo of repos) repo.remove();
  });

  it('explains every consecutive pair without errors or notes', () => {
    expect(explained.size).toBe(PROJECTS.map((p) => versions(p).length - 1).reduce((a, b) => a + b, 0));
    for (const [pair, explanation] of explained) {
      expect(explanation.notes, pair).toEqual([]);
      expect(explanation.findings.length, pair).toBeGreaterThan(0);
      for (const finding of explanation.findings) expect(finding.summary, pair).toMatch(/\S/);
    }
  });

  it('reports what the real changes did', () => {
    const summaries = (pair: string) => explained.get(pair)!.findings.map((f) => f.summary);
    expect(summaries('umami 036')).toEqual(['ENV HOSTNAME is now set: 0.0.0.0 (stage runner, line 56)']);
    // A COPY moved to another destination is one finding, not a removal and an addition.
    expect(explained.get('umami 035')!.findings.map((f) => f.kind)).toEqual(['copy-moved']);
    expect(summaries('nginx-unprivileged-debian 010')).toEqual(['USER changed: nginx → root (stage 0, line 107)']);
    expect(summaries('nginx-unprivileged-debian 011')).toContain('USER changed: root → 1001 (stage 0, lines 107 → 108)');
    const moved = explained.get('microservices-demo-frontend 016')!.findings.filter((f) => f.kind === 'copy-moved');
    expect(moved.map((f) => [f.before, f.after])).toEqual([
      ['/frontend/server', '/src/server'],
      ['/frontend/templates', '/src/templates'],
      ['/frontend/static', '/src/static'],
    ]);
    expect(summaries('hugo 012')).toContain('port 1313/tcp is now exposed (stage 0, line 22)');
  });

  it.each(PROJECTS)('%s: no findings for whitespace, comments or moved EXPOSE and LABEL lines', (project) => {
    for (const version of versions(project)) {
      expect(diffDockerfiles(version.text, relaidOut(version.text)), `${project} ${version.name} re-laid out`).toEqual([]);
      expect(diffDockerfiles(version.text, reordered(version.text)), `${project} ${version.name} reordered`).toEqual([]);
    }
    // The transformations do change the text.
    expect(versions(project).every((v) => relaidOut(v.text) !== v.text)).toBe(true);
    expect(versions(project).some((v) => reordered(v.text) !== v.text)).toBe(true);
  });
});
