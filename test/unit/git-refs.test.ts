import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { resolveCommit, resolveRange } from '../../src/git/refs.js';
import { TestRepo } from '../fixtures/git-repo.js';

async function usageMessage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

describe('resolveRange / resolveCommit', () => {
  /** Holds directories that are not repositories; the repository lives apart. */
  let root: string;
  let fixture: TestRepo;
  let repo: string;
  const c: string[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'deploybisect-refs-'));
    fixture = new TestRepo('deploybisect-refs-repo-');
    repo = fixture.dir;
    c.push(fixture.commit('first', { 'a.txt': 'one\n' }));
    c.push(fixture.commit('second', { 'a.txt': 'two\n' }));
    c.push(fixture.commit('third', { 'a.txt': 'three\n' }));
    fixture.git('tag', 'v1', c[0]!); // lightweight
    fixture.git('tag', '-a', '-m', 'annotated', 'v2', c[1]!);
    const tree = fixture.git('rev-parse', 'HEAD^{tree}');
    fixture.git('tag', 'tree-tag', tree);
    fixture.git('tag', '-a', '-m', 'tag of a tree', 'tree-atag', tree);
    fixture.git('checkout', '-q', '-b', 'side', c[0]!);
    c.push(fixture.commit('side branch', { 'b.txt': 'side\n' }));
    fixture.git('checkout', '-q', 'main');
  });

  afterAll(() => {
    fixture?.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('resolves branches, tags (lightweight and annotated), short shas and rev expressions to full shas', async () => {
    await expect(resolveRange(repo, 'v1', 'main')).resolves.toEqual({ good: c[0], bad: c[2] });
    await expect(resolveRange(repo, 'v2', 'HEAD')).resolves.toEqual({ good: c[1], bad: c[2] });
    await expect(resolveRange(repo, c[0]!.slice(0, 8), 'HEAD~1')).resolves.toEqual({ good: c[0], bad: c[1] });
    await expect(resolveCommit(repo, 'v2')).resolves.toBe(c[1]);
    await expect(resolveCommit(repo, 'side')).resolves.toMatch(/^[0-9a-f]{40}$/);
  });

  it('works from a subdirectory of the repository', async () => {
    mkdirSync(join(repo, 'sub'), { recursive: true });
    await expect(resolveRange(join(repo, 'sub'), 'v1', 'main')).resolves.toEqual({ good: c[0], bad: c[2] });
  });

  it('rejects a directory that is not a git repository, or does not exist', async () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    expect(await usageMessage(resolveRange(plain, 'a', 'b'))).toBe(`not a git repository: ${plain}`);
    expect(await usageMessage(resolveCommit(join(root, 'nope'), 'HEAD'))).toMatch(/^not a git repository: .*nope/);
  });

  it('rejects refs starting with "-" before calling git', async () => {
    // a non-repository dir would give a different error if git were called first
    const plain = join(root, 'plain2');
    mkdirSync(plain);
    expect(await usageMessage(resolveRange(plain, '--output=/tmp/x', 'main'))).toMatch(/cannot start with '-'/);
    expect(await usageMessage(resolveRange(plain, 'main', '-n'))).toMatch(/invalid bad ref '-n'/);
    expect(await usageMessage(resolveCommit(plain, '-h'))).toMatch(/cannot start with '-'/);
    expect(await usageMessage(resolveCommit(repo, ''))).toMatch(/empty/);
    expect(await usageMessage(resolveCommit(repo, 'main\nHEAD'))).toMatch(/control character/);
  });

  it('names unknown revisions', async () => {
    expect(await usageMessage(resolveRange(repo, 'foo', 'main'))).toBe(`unknown revision 'foo' (not a commit in ${repo})`);
    expect(await usageMessage(resolveRange(repo, 'v1', 'nosuch~2'))).toBe(`unknown revision 'nosuch~2' (not a commit in ${repo})`);
    expect(await usageMessage(resolveCommit(repo, 'deadbeefdeadbeef'))).toMatch(/unknown revision 'deadbeefdeadbeef'/);
  });

  it('refuses refs that name trees, blobs or tags of trees', async () => {
    expect(await usageMessage(resolveCommit(repo, 'HEAD^{tree}'))).toBe("revision 'HEAD^{tree}' names a tree, not a commit");
    expect(await usageMessage(resolveCommit(repo, 'HEAD:a.txt'))).toBe("revision 'HEAD:a.txt' names a blob, not a commit");
    expect(await usageMessage(resolveRange(repo, 'tree-tag', 'main'))).toMatch(/names a tree, not a commit/);
    expect(await usageMessage(resolveRange(repo, 'v1', 'tree-atag'))).toMatch(/names a tag that does not point to a commit/);
  });

  it('refuses good equal to bad', async () => {
    expect(await usageMessage(resolveRange(repo, 'main', c[2]!))).toMatch(/are the same commit/);
    expect(await usageMessage(resolveRange(repo, 'v2', 'HEAD~1'))).toMatch(/are the same commit/);
  });

  it('refuses a good commit that is not an ancestor of bad, and spots swapped refs', async () => {
    expect(await usageMessage(resolveRange(repo, 'side', 'main'))).toMatch(
      /^good 'side' \([0-9a-f]{12}\) is not an ancestor of bad 'main' \([0-9a-f]{12}\)$/,
    );
    expect(await usageMessage(resolveRange(repo, 'main', 'v1'))).toMatch(/is a descendant of bad 'v1'.*swapped/);
  });
});
