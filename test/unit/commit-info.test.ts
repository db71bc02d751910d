import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { changedFiles, getCommitInfo, getCommitInfos } from '../../src/git/commit-info.js';
import { GitTestRepo } from '../helpers/git-test-repo.js';

/** The identity and date every commit is made with, as the assertions below expect them. */
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada Lovelace',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_AUTHOR_DATE: '2024-03-05T10:20:30+02:00',
  GIT_COMMITTER_NAME: 'Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

describe('commit info', () => {
  let fixture: GitTestRepo;
  let repo: string;
  const c: string[] = [];

  beforeAll(() => {
    fixture = new GitTestRepo('deploybisect-info-', GIT_ENV);
    repo = fixture.dir;
    // user config that must not leak into the output
    fixture.git('config', 'log.showSignature', 'false');
    fixture.git('config', 'core.quotePath', 'true');
    c.push(
      fixture.commit('Initial import', {
        'app/server.js': 'v1\n',
        'app/lib/util.js': 'util\n',
        'docs/readme.md': 'docs\n',
      }),
    );
    c.push(
      fixture.commit('Ünïcode subject: "quotes" & tabs\there\n\nbody line 1\nbody line 2', {
        'app/server.js': 'v2\n',
        'docs/readme.md': 'docs v2\n',
        'app/ünïcode file.txt': 'x\n',
      }),
    );
    fixture.git('mv', 'app/lib/util.js', 'app/lib/helpers.js');
    c.push(fixture.commit('Rename util, delete server', { 'app/server.js': null, 'app-other/x.js': 'not in app/\n' }));
    c.push(fixture.commit('empty', {}));
  });

  afterAll(() => fixture?.remove());

  it('reads sha, short sha, subject, author and ISO 8601 date', async () => {
    const info = await getCommitInfo(repo, c[1]!);
    expect(info).toEqual({
      sha: c[1],
      shortSha: c[1]!.slice(0, info.shortSha.length),
      subject: 'Ünïcode subject: "quotes" & tabs\there',
      author: 'Ada Lovelace',
      authorEmail: 'ada@example.com',
      date: '2024-03-05T10:20:30+02:00',
    });
    expect(info.shortSha.length).toBeGreaterThanOrEqual(7);
    expect(new Date(info.date).toISOString()).toBe('2024-03-05T08:20:30.000Z');
  });

  it('reads many commits in one call, in the order asked, accepting short shas', async () => {
    const infos = await getCommitInfos(repo, [c[3]!, c[0]!, c[2]!.slice(0, 10), c[1]!]);
    expect(infos.map((i) => i.sha)).toEqual([c[3], c[0], c[2], c[1]]);
    expect(infos.map((i) => i.subject)).toEqual([
      'empty',
      'Initial import',
      'Rename util, delete server',
      expect.stringMatching(/^Ünïcode/),
    ]);
    await expect(getCommitInfos(repo, [])).resolves.toEqual([]);
  });

  it('rejects option-like input and reports unknown commits', async () => {
    await expect(getCommitInfo(repo, '--all')).rejects.toBeInstanceOf(UsageError);
    await expect(getCommitInfo(repo, 'f'.repeat(40))).rejects.toThrow();
  });

  it('lists files changed by a root commit, restricted to the context dir', async () => {
    const all = await changedFiles(repo, undefined, c[0]!, '.');
    expect(all).toEqual([
      { path: 'app/lib/util.js', status: 'A' },
      { path: 'app/server.js', status: 'A' },
      { path: 'docs/readme.md', status: 'A' },
    ]);
    expect(await changedFiles(repo, undefined, c[0]!, 'app')).toEqual([
      { path: 'app/lib/util.js', status: 'A' },
      { path: 'app/server.js', status: 'A' },
    ]);
  });

  it('lists modifications with unusual names unquoted, and nothing outside the context', async () => {
    expect(await changedFiles(repo, c[0]!, c[1]!, 'app/')).toEqual([
      { path: 'app/server.js', status: 'M' },
      { path: 'app/ünïcode file.txt', status: 'A' },
    ]);
    expect(await changedFiles(repo, c[0]!, c[1]!, './docs')).toEqual([{ path: 'docs/readme.md', status: 'M' }]);
  });

  it('detects renames and deletions; a sibling dir with a common prefix is outside the context', async () => {
    expect(await changedFiles(repo, c[1]!, c[2]!, 'app')).toEqual([
      { path: 'app/lib/helpers.js', status: 'R', oldPath: 'app/lib/util.js' },
      { path: 'app/server.js', status: 'D' },
    ]);
    expect(await changedFiles(repo, c[2]!, c[3]!)).toEqual([]);
  });

  it('takes the context path literally (no glob) and works from a subdirectory', async () => {
    expect(await changedFiles(repo, c[0]!, c[1]!, 'ap*')).toEqual([]);
    expect(await changedFiles(join(repo, 'docs'), c[0]!, c[1]!, 'app')).toHaveLength(2);
  });
});
