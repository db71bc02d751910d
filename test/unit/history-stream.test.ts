/**
 * The streaming parsers of git's output used when planning a long range: rev-list lines read
 * chunk by chunk (RevListParser) and diff-tree -z records read chunk by chunk (DiffTreeParser),
 * checked against the plain whole-string parse they replace, at every chunk boundary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import type { CommitNode } from '../../src/bisect/commit-graph.js';
import { GitError, UsageError } from '../../src/errors.js';
import { DiffTreeParser } from '../../src/git/diff-tree-parser.js';
import { diffTreeEach, diffTreeStream, type CommitDiff } from '../../src/git/diff-tree-stream.js';
import { loadCommitGraph, parseRevList, RevListParser } from '../../src/git/history.js';
import { TestRepo } from '../fixtures/git-repo.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = '0123456789abcdef'.repeat(4); // 64 hex digits (SHA-256 repositories)

/** The whole-string parse loadCommitGraph used before streaming: the reference. */
function referenceParse(output: string): CommitNode[] {
  const commits: CommitNode[] = [];
  for (const line of output.split('\n')) {
    const fields = line
      .trim()
      .split(/\s+/)
      .filter((f) => f.length > 0);
    if (fields.length === 0) continue;
    const [date, sha, ...parents] = fields;
    if (sha === undefined || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha) || !/^-?\d+$/.test(date ?? '')) {
      throw new GitError(`unexpected line from git rev-list: '${line}'`);
    }
    commits.push({ sha, parents, date: Number(date) });
  }
  return commits;
}

function outcome(parse: () => CommitNode[]): unknown {
  try {
    return parse();
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/** Every way of cutting `text` in two chunks, plus one chunk per byte. */
function chunkings(text: string): Buffer[][] {
  const bytes = Buffer.from(text, 'utf8');
  const ways: Buffer[][] = [[bytes]];
  for (let cut = 0; cut <= bytes.length; cut++) ways.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
  ways.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  return ways;
}

function parseChunks(chunks: Buffer[]): CommitNode[] {
  const parser = new RevListParser();
  for (const chunk of chunks) parser.push(chunk);
  return parser.end();
}

describe('RevListParser', () => {
  const typical = `1700000300 ${A} ${B}\n1700000200 ${B} ${C} ${D}\n1700000100 ${C}\n-5 ${D} ${A}\n`;

  it('reads dates, ids and parents: one parent, a merge, a root, a negative date, 64-digit ids', () => {
    expect(parseChunks([Buffer.from(typical)])).toEqual([
      { sha: A, parents: [B], date: 1700000300 },
      { sha: B, parents: [C, D], date: 1700000200 },
      { sha: C, parents: [], date: 1700000100 },
      { sha: D, parents: [A], date: -5 },
    ]);
    expect(parseRevList('')).toEqual([]);
    expect(parseRevList('\n\n')).toEqual([]);
  });

  it('gives the same commits wherever the chunks are cut', () => {
    const text = `${typical}\r\n\n1700000000 ${A}\t${B}  ${C}\r\n  1 ${B}`; // CRLF, tabs, blank lines, no final newline
    const expected = referenceParse(text);
    for (const chunks of chunkings(text)) expect(parseChunks(chunks)).toEqual(expected);
  });

  it('shares a first parent’s string with the next line’s commit (rev-list order)', () => {
    const commits = parseChunks([Buffer.from(typical)]);
    expect(commits[0]?.parents[0]).toBe(commits[1]?.sha);
    expect(commits[1]?.parents[0]).toBe(commits[2]?.sha);
  });

  it('agrees with the whole-string parse on odd lines, errors included', () => {
    const lines = [
      `1700000000 ${A} ${B}`,
      `  1700000000   ${A}   ${B}  `,
      `\t1700000000\t${A}\t${B}\v\f`,
      `1700000000 ${A} ${B}\u00a0${C}`, // non-ASCII whitespace splits fields, as \s does
      `\u00a01700000000 ${A}`,
      `1700000000 ${A} not-hex-parent`,
      `1700000000 ${A} ${B.toUpperCase()}`,
      `12345678901234567890123 ${A}`, // past 2^53: Number()'s rounding
      `-0 ${A}`,
      `007 ${A}`,
      `1700000000 ${A.toUpperCase()} ${B}`,
      `1700000000 ${A.slice(1)} ${B}`,
      `1700000000 ${A}x ${B}`,
      `1700000000`,
      `-${A} ${B}`,
      `- ${A} ${B}`,
      `17e5 ${A}`,
      `${A} 1700000000`,
      `1700000000 ${A} é`,
    ];
    for (const line of lines) {
      for (const text of [line, `${line}\n`, `1 ${C}\n${line}\n2 ${D}\n`]) {
        const expected = outcome(() => referenceParse(text));
        expect(
          outcome(() => parseRevList(text)),
          JSON.stringify(text),
        ).toEqual(expected);
        for (const chunks of chunkings(text))
          expect(
            outcome(() => parseChunks(chunks)),
            JSON.stringify(text),
          ).toEqual(expected);
      }
    }
  });
});

describe('loadCommitGraph through the streaming path', () => {
  const repo = new TestRepo('deploybisect-history-stream-');
  cleanups.push(() => repo.remove());
  const first = repo.commit('one', { 'a.txt': '1\n' });
  const second = repo.commit('two', { 'a.txt': '2\n' });

  it('loads the range as rev-list prints it', async () => {
    const out = repo.git('rev-list', '--parents', '--timestamp', second);
    expect((await loadCommitGraph(repo.dir, second, [])).commits).toEqual(referenceParse(out));
    expect((await loadCommitGraph(repo.dir, second, [first])).commits).toEqual([
      { sha: second, parents: [first], date: expect.any(Number) },
    ]);
  });

  it("reports git's failure as 'git rev-list failed in …'", async () => {
    const missing = 'f'.repeat(40);
    await expect(loadCommitGraph(repo.dir, missing, [])).rejects.toThrow(new RegExp(`^git rev-list failed in ${repo.dir}: `));
    await expect(loadCommitGraph(repo.dir, missing, [])).rejects.toBeInstanceOf(GitError);
    const gone = join(mkdtempSync(join(tmpdir(), 'deploybisect-gone-')), 'nothing');
    cleanups.push(() => rmSync(join(gone, '..'), { recursive: true, force: true }));
    const error = await loadCommitGraph(gone, second, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/^git rev-list failed in /);
  });

  it('refuses anything but full object names before running git', async () => {
    await expect(loadCommitGraph(repo.dir, 'HEAD', [])).rejects.toBeInstanceOf(UsageError);
    await expect(loadCommitGraph(repo.dir, second, [second.toUpperCase()])).rejects.toBeInstanceOf(UsageError);
  });
});

/** diff-tree -z --raw output for the given commits: header, then ":meta" and path per record. */
function rawOutput(diffs: { commit: string; records: [string, string][] }[]): string {
  let out = '';
  for (const { commit, records } of diffs) {
    out += `${commit}\0`;
    for (const [meta, path] of records) out += `${meta}\0${path}\0`;
  }
  return out;
}

function parseDiffChunks(pairs: [string, string][], chunks: Buffer[]): unknown {
  const seen: [number, CommitDiff][] = [];
  try {
    const parser = new DiffTreeParser(pairs, (diff, index) => seen.push([index, diff]));
    for (const chunk of chunks) parser.push(chunk);
    parser.end();
    return { seen, answered: parser.answered };
  } catch (error) {
    return { error: (error as Error).message, seen };
  }
}

describe('DiffTreeParser', () => {
  const pairs: [string, string][] = [
    [A, B],
    [B, C],
    [C, D],
  ];
  const ZERO = '0'.repeat(40);
  const output = rawOutput([
    {
      commit: A,
      records: [
        [`:040000 040000 ${B} ${C} M`, 'dir'],
        [`:100644 100755 ${B} ${C} M`, 'dir/ä x.sh'],
        [`:000000 120000 ${ZERO} ${D.slice(0, 40)} A`, 'link'],
      ],
    },
    { commit: B, records: [] },
    { commit: C, records: [[`:160000 000000 ${A} ${ZERO} D`, ':looks like a record\nor a header']] },
  ]);

  it('reads each commit’s records in order, leaving out tree → tree records', () => {
    const result = parseDiffChunks(pairs, [Buffer.from(output)]);
    expect(result).toEqual({
      answered: 3,
      seen: [
        [
          0,
          {
            commit: A,
            changes: [
              { oldMode: '100644', newMode: '100755', newOid: C, status: 'M', path: 'dir/ä x.sh' },
              { oldMode: '000000', newMode: '120000', newOid: D.slice(0, 40), status: 'A', path: 'link' },
            ],
          },
        ],
        [1, { commit: B, changes: [] }],
        [
          2,
          {
            commit: C,
            changes: [{ oldMode: '160000', newMode: '000000', newOid: ZERO, status: 'D', path: ':looks like a record\nor a header' }],
          },
        ],
      ],
    });
  });

  it('gives the same diffs wherever the chunks are cut', () => {
    const expected = parseDiffChunks(pairs, [Buffer.from(output)]);
    for (const chunks of chunkings(output)) expect(parseDiffChunks(pairs, chunks)).toEqual(expected);
  });

  it('refuses answers out of order and output that is not diff-tree’s', () => {
    expect(parseDiffChunks(pairs, [Buffer.from(rawOutput([{ commit: B, records: [] }]))])).toMatchObject({
      error: `git diff-tree answered for ${B}, expected ${A}`,
    });
    expect(parseDiffChunks(pairs, [Buffer.from('fatal: nope\0')])).toMatchObject({
      error: 'unexpected output from git diff-tree: "fatal: nope"',
    });
    expect(parseDiffChunks(pairs, [Buffer.from(`${A}\0:100644 100644 ${B}\0x\0`)])).toMatchObject({
      error: expect.stringMatching(/^unexpected record/),
    });
  });
});

describe('diffTreeEach and diffTreeStream on a repository', () => {
  const repo = new TestRepo('deploybisect-diff-stream-');
  cleanups.push(() => repo.remove());
  const shas = [repo.commit('base', { 'a/b.txt': '1\n', 'c.txt': 'c\n' })];
  for (let i = 0; i < 30; i++)
    shas.push(
      repo.commit(`c${i}`, i % 3 === 0 ? { [`d${i}/x.txt`]: `${i}\n`, 'c.txt': null } : { 'a/b.txt': `${i}\n`, 'c.txt': `${i}\n` }),
    );
  const pairs = shas.slice(1).map((sha, i) => [sha, shas[i] as string] as [string, string]);

  it('both give every pair’s diff, in order', async () => {
    const each: [number, CommitDiff][] = [];
    await diffTreeEach(repo.dir, pairs, (diff, index) => each.push([index, diff]));
    const streamed: CommitDiff[] = [];
    for await (const diff of diffTreeStream(repo.dir, pairs)) streamed.push(diff);
    expect(each.map(([index]) => index)).toEqual(pairs.map((_, i) => i));
    expect(each.map(([, diff]) => diff)).toEqual(streamed);
    expect(streamed.map((d) => d.commit)).toEqual(pairs.map(([c]) => c));
    expect(streamed[0]?.changes.map((c) => c.path)).toEqual(['c.txt', 'd0', 'd0/x.txt']);
  });

  it('stops git when the consumer stops early, and reports git’s failure', async () => {
    for await (const diff of diffTreeStream(repo.dir, pairs)) {
      expect(diff.commit).toBe(pairs[0]?.[0]);
      break;
    }
    await expect(diffTreeEach(repo.dir, [['f'.repeat(40), shas[0] as string]], () => undefined)).rejects.toBeInstanceOf(GitError);
    await expect(
      diffTreeEach(repo.dir, pairs, () => {
        throw new Error('visitor failed');
      }),
    ).rejects.toThrow('visitor failed');
  });
});
