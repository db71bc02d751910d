/**
 * Splitting a commit into changes (git objects of generated repositories), the contexts and the
 * patches of subsets: with no change applied the parent's context, with all of them the commit's,
 * and every patch rebuilds its configuration with `git apply` in a scratch clone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { overlayOf, patchOf } from '../../src/explain/narrow/change-set.js';
import { copies } from '../../src/explain/narrow/group-changes.js';
import { overlayPlan } from '../../src/git/overlay-context.js';
import { splitChanges, type SplitChanges } from '../../src/session/narrow/split-changes.js';
import { TestRepo } from '../fixtures/git-repo.js';
import { createStoryRepo, type StoryRepo } from '../fixtures/story-repo.js';

/** The tree of `rev` with `patch` applied by git, as path → content. */
function applied(repoDir: string, rev: string, patch: string, paths: string[]): Record<string, string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'narrow-apply-'));
  try {
    execFileSync('git', ['clone', '-q', '--no-checkout', repoDir, dir]);
    execFileSync('git', ['checkout', '-q', rev], { cwd: dir });
    if (patch !== '') {
      writeFileSync(join(dir, '.git', 'p.diff'), patch);
      execFileSync('git', ['apply', '--binary', join('.git', 'p.diff')], { cwd: dir });
    }
    return Object.fromEntries(
      paths.map((p) => {
        try {
          return [p, readFileSync(join(dir, p), 'latin1')];
        } catch {
          return [p, null];
        }
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the story culprit's changes", () => {
  let story: StoryRepo;
  let split: SplitChanges;
  beforeAll(async () => {
    story = createStoryRepo();
    const parent = story.repo.git('rev-parse', `${story.culprit}^`);
    split = await splitChanges({ repoDir: story.repo.dir, parent, commit: story.culprit, contextDir: '.', dockerfile: 'Dockerfile' });
  });
  afterAll(() => story?.repo.remove());

  it('are the four Dockerfile instructions, the COPY grouped with the file it adds and the file it stops copying', () => {
    const { changes } = split.set;
    expect(changes.map((c) => [c.id, c.kind, c.path, c.parts.length])).toEqual([
      [1, 'instruction', 'Dockerfile', 1],
      [2, 'instruction', 'Dockerfile', 1],
      [3, 'instruction', 'Dockerfile', 3],
      [4, 'instruction', 'Dockerfile', 1],
    ]);
    expect(changes[1]!.summary).toContain('/app/logs');
    expect(changes[2]!.summary).toBe(
      'Dockerfile: COPY changed (line 10): supervisord.conf /etc/supervisor/conf.d/app.conf → start.sh /start.sh; with start.sh added; with supervisord.conf deleted',
    );
  });

  it("none applied is the parent's context, all applied the commit's (the same fingerprints)", () => {
    const { set, parentPlan, commitPlan } = split;
    expect(overlayPlan(parentPlan, overlayOf(set, [])).fingerprint).toBe(parentPlan.fingerprint);
    expect(overlayPlan(parentPlan, overlayOf(set, [1, 2, 3, 4])).fingerprint).toBe(commitPlan.fingerprint);
    const some = overlayPlan(parentPlan, overlayOf(set, [2]));
    expect(some.fingerprint).not.toBe(parentPlan.fingerprint);
    expect(some.dockerfileText).toContain('RUN mkdir -p /var/www/cgi-bin\n');
    expect(some.dockerfileText).toContain('supervisor');
    expect(some.files).toContain('supervisord.conf');
  });

  it('patches apply at the repository root and give the configuration', () => {
    const { set } = split;
    const parent = `${story.culprit}^`;
    const all = applied(story.repo.dir, parent, patchOf(set, [1, 2, 3, 4]), ['Dockerfile', 'start.sh', 'supervisord.conf']);
    expect(all).toEqual({
      Dockerfile: story.repo.git('show', `${story.culprit}:Dockerfile`) + '\n',
      'start.sh': story.repo.git('show', `${story.culprit}:start.sh`) + '\n',
      'supervisord.conf': null,
    });
    const one = applied(story.repo.dir, parent, patchOf(set, [2]), ['Dockerfile']);
    expect(one.Dockerfile).toBe(overlayPlan(split.parentPlan, overlayOf(set, [2])).dockerfileText);
    expect(set.changes.every((c) => patchOf(set, [c.id]).startsWith('diff --git a/'))).toBe(true);
  });
});

describe('changes of odd files', () => {
  const repo = new TestRepo('deploybisect-narrow-');
  let split: SplitChanges;
  let parent: string;
  let commit: string;
  const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i}${tag}\n`).join('');
  beforeAll(async () => {
    repo.write({ '.dockerignore': 'docs\n' });
    parent = repo.commit('base', {
      Dockerfile: 'FROM scratch\nCOPY app/ /app/\n',
      'app/config.txt': lines(40),
      'app/old.txt': 'old\n',
      'app/moved.txt': lines(5, ' moved'),
      'app/tool.sh': { content: '#!/bin/sh\n', executable: false },
      'docs/readme.md': 'docs\n',
      'outside.txt': 'x\n',
    });
    writeFileSync(join(repo.dir, 'app', 'logo.bin'), Buffer.from([0, 1, 2, 3]));
    commit = repo.commit('many', {
      'app/config.txt': lines(40).replace('line 3\n', 'line three\n').replace('line 30\n', 'line thirty\n'),
      'app/old.txt': null,
      'app/moved.txt': null,
      'app/renamed.txt': lines(5, ' moved'),
      'app/tool.sh': { content: '#!/bin/sh\n', executable: true },
      'docs/readme.md': 'changed docs\n',
      'outside.txt': 'y\n',
    });
    split = await splitChanges({ repoDir: repo.dir, parent, commit, contextDir: 'app', dockerfile: '../Dockerfile' });
  });
  afterAll(() => repo.remove());

  it('hunks of text files, whole files for added, deleted, renamed, binary and mode changes; ignored and outside files are not changes', () => {
    expect(split.set.changes.map((c) => c.summary.replace(/:.*/, ''))).toEqual([
      'app/config.txt, line 4 (-1 +1)',
      'app/config.txt, line 31 (-1 +1)',
      'app/logo.bin added',
      'app/old.txt deleted',
      'app/renamed.txt renamed from app/moved.txt',
      'app/tool.sh changed (mode or type)',
    ]);
    expect(split.set.changes.map((c) => c.kind)).toEqual(['hunk', 'hunk', 'file', 'file', 'file', 'file']);
  });

  it('all applied rebuild the commit, and the patch (binary included) applies', () => {
    const { set, parentPlan, commitPlan } = split;
    const ids = set.changes.map((c) => c.id);
    expect(overlayPlan(parentPlan, overlayOf(set, ids)).fingerprint).toBe(commitPlan.fingerprint);
    const out = applied(repo.dir, parent, patchOf(set, ids), ['app/logo.bin', 'app/old.txt', 'app/renamed.txt', 'app/moved.txt']);
    expect(out['app/logo.bin']).toBe('\0\x01\x02\x03');
    expect(out['app/old.txt']).toBeNull();
    expect(out['app/moved.txt']).toBeNull();
    expect(out['app/renamed.txt']).toBe(lines(5, ' moved'));
    const second = applied(repo.dir, parent, patchOf(set, [2]), ['app/config.txt'])['app/config.txt']!;
    expect(second).toContain('line thirty\n');
    expect(second).toContain('line 3\n');
  });

  it('COPY sources take files, directories and globs', () => {
    expect(copies('app/', 'app/x.txt')).toBe(true);
    expect(copies('.', 'x')).toBe(true);
    expect(copies('start.sh', 'start.sh')).toBe(true);
    expect(copies('start', 'start.sh')).toBe(false);
    expect(copies('*.sh', 'start.sh')).toBe(true);
    expect(copies('conf/*.ini', 'conf/a.ini')).toBe(true);
    expect(copies('conf/*.ini', 'conf/a.txt')).toBe(false);
  });
});
