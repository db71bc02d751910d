/**
 * The history loader against real repositories: the range, its order, first-parent mode, input
 * checks, and that loading leaves the repository untouched.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { IndexedGraph } from '../../src/bisect/index.js';
import { walkRange } from '../../src/bisect/rev-list-order.js';
import { GitError, UsageError } from '../../src/errors.js';
import { loadCommitGraph } from '../../src/git/history.js';
import { ancestorsOf, createDagRepo, git, mergeDag, randomDag, type DagNode, type DagRepo } from '../helpers/dag-repo.js';

const nodes = mergeDag(8, [
  { from: 1, length: 3, mergeAt: 5 },
  { from: 4, length: 2, mergeAt: 7 },
]);
let repo: DagRepo;
const sha = (n: string): string => repo.sha.get(n) as string;
const names = (shas: string[]): string[] => shas.map((s) => repo.name.get(s) ?? s);

beforeAll(async () => {
  repo = await createDagRepo(nodes);
});
afterAll(async () => {
  await repo.cleanup();
});

describe('loadCommitGraph', () => {
  it('loads bad --not good: every commit of the range once, with its parents and date, in rev-list order', async () => {
    const graph = await loadCommitGraph(repo.dir, sha('m7'), [sha('m0')]);
    const got = names(graph.commits.map((c) => c.sha));
    const expected = [...ancestorsOf(nodes, 'm7')].filter((n) => n !== 'm0');
    expect([...got].sort()).toEqual([...expected].sort());
    expect(got[0]).toBe('m7');
    const revList = await git(repo.dir, ['rev-list', sha('m7'), `^${sha('m0')}`]);
    expect(graph.commits.map((c) => c.sha)).toEqual(revList.stdout.trim().split('\n'));
    const m5 = graph.commits.find((c) => c.sha === sha('m5'));
    expect(m5?.parents).toEqual([sha('m4'), sha('b0_2')]);
    expect(m5?.date).toBe(1_700_000_000 + 60 * nodes.findIndex((n) => n.name === 'm5'));
  });

  it('with several goods excludes the ancestors of each', async () => {
    const graph = await loadCommitGraph(repo.dir, sha('m7'), [sha('m0'), sha('b1_1')]);
    const excluded = new Set([...ancestorsOf(nodes, 'm0'), ...ancestorsOf(nodes, 'b1_1')]);
    const expected = [...ancestorsOf(nodes, 'm7')].filter((n) => !excluded.has(n));
    expect(names(graph.commits.map((c) => c.sha)).sort()).toEqual(expected.sort());
  });

  it('with firstParent keeps only the first-parent chain', async () => {
    const graph = await loadCommitGraph(repo.dir, sha('m7'), [sha('m0')], { firstParent: true });
    expect(names(graph.commits.map((c) => c.sha))).toEqual(['m7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1']);
  });

  it('is empty when good is bad', async () => {
    expect((await loadCommitGraph(repo.dir, sha('m3'), [sha('m3')])).commits).toEqual([]);
  });

  it('refuses anything but full object names, before running git', async () => {
    for (const bad of ['--output=/tmp/x', '-n1', 'HEAD', sha('m7').slice(0, 12), `${sha('m7')} `]) {
      await expect(loadCommitGraph(repo.dir, bad, [sha('m0')])).rejects.toBeInstanceOf(UsageError);
    }
    await expect(loadCommitGraph(repo.dir, sha('m7'), ['--all'])).rejects.toBeInstanceOf(UsageError);
  });

  it('reports a missing commit as a GitError', async () => {
    await expect(loadCommitGraph(repo.dir, 'f'.repeat(40), [sha('m0')])).rejects.toBeInstanceOf(GitError);
  });

  it('leaves the repository untouched', async () => {
    const snapshot = async (): Promise<string> => {
      const index = await stat(path.join(repo.dir, '.git', 'index'));
      const files = await readdir(path.join(repo.dir, '.git'));
      const refs = await git(repo.dir, ['for-each-ref', '--format=%(refname) %(objectname)']);
      const head = await git(repo.dir, ['rev-parse', 'HEAD']);
      // --no-optional-locks: status itself must not refresh the index we are watching
      const status = await git(repo.dir, ['--no-optional-locks', 'status', '--porcelain', '--ignored']);
      return JSON.stringify([refs.stdout, head.stdout, status.stdout, files.sort(), index.mtimeMs]);
    };
    const before = await snapshot();
    await loadCommitGraph(repo.dir, sha('m7'), [sha('m0')]);
    await loadCommitGraph(repo.dir, sha('m7'), [sha('m0')], { firstParent: true });
    expect(await snapshot()).toBe(before);
  });
});

describe("the core's walk reproduces rev-list's order", () => {
  it.each(['increasing', 'ties', 'same', 'skewed'] as const)('on random histories with %s dates', async (dates) => {
    for (const seed of [3, 4, 5]) {
      const dag: DagNode[] = randomDag(seed, 40, { dates, mergeRate: 0.3 });
      const r = await createDagRepo(dag);
      try {
        const tip = r.sha.get('n39') as string;
        const root = r.sha.get('n0') as string;
        const graph = await loadCommitGraph(r.dir, tip, [root]);
        const indexed = new IndexedGraph(graph);
        // the whole range, walked from the bad commit
        const walk = walkRange(indexed, indexed.indexOf(tip), new Uint8Array(indexed.size), false);
        expect(walk.order).toEqual(graph.commits.map((_, i) => i));
        // a narrower range, walked from an inner commit, against rev-list run from there
        const inner = graph.commits[Math.floor(graph.commits.length / 3)]?.sha as string;
        const narrower = await git(r.dir, ['rev-list', inner, `^${root}`]);
        const innerWalk = walkRange(indexed, indexed.indexOf(inner), new Uint8Array(indexed.size), false);
        expect(innerWalk.order.map((i) => indexed.shas[i])).toEqual(narrower.stdout.trim().split('\n'));
      } finally {
        await r.cleanup();
      }
    }
  });
});
