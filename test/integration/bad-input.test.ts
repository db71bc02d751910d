/**
 * Bad input through the real CLI (the `deploybisect` command users run), one row each: the exit
 * code and the one-line message. Nothing here may run a command the user did not write, write
 * outside the repository, or change the repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TestRepo } from '../fixtures/git-repo.js';
import { runCli } from '../helpers/run-cli.js';

describe('bad input', () => {
  const repo = new TestRepo();
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-bad-input-'));
  const pwned = join(scratch, 'pwned');
  let shas: string[];
  let side: string;
  let shallow: string;
  let before: string;

  beforeAll(() => {
    shas = [0, 1, 2, 3].map((i) => repo.commit(`release ${i}`, { Dockerfile: `FROM scratch\nLABEL v=${i}\n`, 'v.txt': `${i}\n` }));
    repo.git('checkout', '-q', '-b', 'side', shas[0]!);
    side = repo.commit('side work', { 'side.txt': 'x\n' });
    repo.git('checkout', '-q', 'main');
    shallow = join(scratch, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow]);
    before = repo.snapshot();
  });
  afterAll(() => {
    repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  const range = (): string[] => [shas[0]!, shas[3]!];
  /** [what, argv, exit code, first line of stderr: exact text, or a pattern] */
  const rows = (): Array<[string, string[], number, string | RegExp]> => [
    ['unknown ref', ['nope', 'HEAD'], 2, `deploybisect: unknown revision 'nope' (not a commit in ${repo.dir})`],
    [
      'ref starting with -',
      ['--', '--output=/tmp/x', 'HEAD'],
      2,
      "deploybisect: invalid good ref '--output=/tmp/x': a ref cannot start with '-'",
    ],
    [
      'ref with ; and a command',
      [`HEAD;touch ${pwned}`, 'HEAD'],
      2,
      `deploybisect: unknown revision 'HEAD;touch ${pwned}' (not a commit in ${repo.dir})`,
    ],
    ['ref with $(…)', [`$(touch ${pwned})`, 'HEAD'], 2, `deploybisect: unknown revision '$(touch ${pwned})' (not a commit in ${repo.dir})`],
    [
      'ref with backticks',
      [`\`touch ${pwned}\``, 'HEAD'],
      2,
      `deploybisect: unknown revision '\`touch ${pwned}\`' (not a commit in ${repo.dir})`,
    ],
    ['good equal to bad', [shas[3]!, 'main'], 2, /^deploybisect: .*same commit/],
    ['good not an ancestor of bad', [side, 'main'], 2, /^deploybisect: .*not an ancestor/],
    ['not a repository', ['-C', scratch, 'a', 'b'], 2, /^deploybisect: .*not a git repository/],
    [
      'shallow clone missing the range',
      ['-C', shallow, shas[0]!, 'HEAD'],
      2,
      `deploybisect: unknown revision '${shas[0]}' (not a commit in ${shallow}); the repository is a shallow clone, so the range may reach beyond its history: run git fetch --unshallow (or fetch with more --depth)`,
    ],
    ['unparsable probe', [...range(), '--probe', 'ftp://x'], 2, /^deploybisect: unknown probe 'ftp:\/\/x'/],
    [
      'exec probe without a command',
      [...range(), '--probe', 'exec:'],
      2,
      "deploybisect: exec probe 'exec:' needs a command, e.g. exec:pg_isready",
    ],
    [
      'log probe with a bad regex',
      [...range(), '--probe', 'log:('],
      2,
      "deploybisect: invalid regular expression in log probe 'log:(': Invalid regular expression: /(/: Unterminated group",
    ],
    [
      'exit probe without a code',
      [...range(), '--probe', 'exit:abc'],
      2,
      "deploybisect: exit probe 'exit:abc' needs an exit code from 0 to 255, e.g. exit:0",
    ],
    [
      'tcp probe with a port out of range',
      [...range(), '--probe', 'tcp://127.0.0.1:99999'],
      2,
      "deploybisect: invalid probe URL 'tcp://127.0.0.1:99999': port 99999 is out of range (1-65535)",
    ],
    ['invalid duration', [...range(), '--timeout', 'soon'], 2, /^deploybisect: invalid --timeout 'soon'/],
    ['zero timeout', [...range(), '--timeout', '0s'], 2, 'deploybisect: --timeout must be longer than 0'],
    ['invalid build timeout', [...range(), '--build-timeout', '0s'], 2, 'deploybisect: --build-timeout must be longer than 0'],
    ['unknown network mode', [...range(), '--network', 'weird'], 2, /^deploybisect: option '--network <mode>' argument 'weird' is invalid/],
    [
      '--context escaping the repository',
      [...range(), '--context', '../..'],
      2,
      "deploybisect: --context must be a directory inside the repository, relative to its root: '../..'",
    ],
    [
      'env file that does not exist',
      [...range(), '--env-file', join(scratch, 'missing.env')],
      2,
      `deploybisect: cannot read --env-file ${join(scratch, 'missing.env')}: ENOENT`,
    ],
    [
      'build arg without = and not in the environment',
      [...range(), '--build-arg', 'NOEQUALS_NOT_SET'],
      2,
      'deploybisect: --build-arg NOEQUALS_NOT_SET has no value and is not set in the environment',
    ],
    ['env with a bad name', [...range(), '-e', 'bad key=1'], 2, "deploybisect: invalid --env 'bad key=1': expected KEY=VALUE"],
    [
      'secret not in the environment',
      [...range(), '--secret-env', 'DEPLOYBISECT_NOT_SET_X'],
      2,
      'deploybisect: --secret-env DEPLOYBISECT_NOT_SET_X is not set in the environment',
    ],
    [
      'memory limit that is not a size',
      [...range(), '--memory', 'lots'],
      2,
      "deploybisect: invalid --memory 'lots': use bytes or a size like 512m, 1g",
    ],
    ['negative cpus', [...range(), '--cpus', '-1'], 2, "deploybisect: invalid --cpus '-1': use a number above 0, e.g. 0.5"],
    [
      'pids limit that is not a number',
      [...range(), '--pids-limit', 'x'],
      2,
      "deploybisect: invalid --pids-limit 'x': use a whole number (0 = no limit)",
    ],
    [
      'HTTP status out of range',
      [...range(), '--expect-status', '999'],
      2,
      "deploybisect: invalid --expect-status '999': use a code (200), a class (2xx) or a range (200-399)",
    ],
    [
      'body regex that does not compile',
      [...range(), '--expect-body', '('],
      2,
      'deploybisect: invalid --expect-body regular expression: Invalid regular expression: /(/: Unterminated group',
    ],
    ['header without a colon', [...range(), '--header', 'nocolon'], 2, "deploybisect: invalid --header 'nocolon': expected NAME:VALUE"],
    [
      '--fail-on-log regex that does not compile',
      [...range(), '--fail-on-log', '('],
      2,
      'deploybisect: invalid regular expression in --fail-on-log: Invalid regular expression: /(/: Unterminated group',
    ],
    ['--jobs out of range', [...range(), '--jobs', '17'], 2, "deploybisect: invalid --jobs '17': use a whole number from 1 to 16"],
    ['--runs not a number', [...range(), '--runs', 'abc'], 2, "deploybisect: invalid --runs 'abc': use a whole number from 1 to 25"],
    [
      '--mark with an unknown verdict',
      [...range(), '--mark', `${shas[1]}=maybe`],
      2,
      `deploybisect: invalid --mark '${shas[1]}=maybe': expected <commit>=good, <commit>=bad or <commit>=skip`,
    ],
    [
      'Docker host that is not a URL',
      [...range(), '--docker-host', 'not a url'],
      1,
      "deploybisect: invalid Docker host 'not a url': expected unix:///path, tcp://host:port or ssh://user@host",
    ],
    [
      'Docker host of another kind',
      [...range(), '--docker-host', 'ftp://x'],
      1,
      "deploybisect: unsupported Docker host 'ftp://x': use unix://, tcp://, https:// or ssh://",
    ],
    [
      '--report into a directory that does not exist: an error, not a silent mkdir',
      [...range(), '--report', join(scratch, 'no-such-dir', 'r.md')],
      2,
      `deploybisect: --report ${join(scratch, 'no-such-dir', 'r.md')}: the directory ${join(scratch, 'no-such-dir')} does not exist (create it first)`,
    ],
    [
      'external Dockerfile that does not exist',
      [...range(), '-f', join(scratch, 'nope', 'Dockerfile')],
      2,
      `deploybisect: Dockerfile ${join(scratch, 'nope', 'Dockerfile')} does not exist`,
    ],
    [
      'clean with a malformed session id',
      ['clean', '--session', 'x y'],
      2,
      "deploybisect: invalid --session 'x y': a session id is 8 hex digits, as in the sessionId of a JSON result",
    ],
    ['test of a ref starting with -', ['test', '--', '-rf'], 2, "deploybisect: invalid commit ref '-rf': a ref cannot start with '-'"],
    [
      'a Dockerfile neither end has: a configuration error, not an unhealthy good commit',
      [...range(), '-f', 'nope/Dockerfile'],
      2,
      `deploybisect: no Dockerfile at 'nope/Dockerfile' in either end (good commit ${shas[0]!.slice(0, 12)}, bad commit ${shas[3]!.slice(0, 12)}): -f/--file is relative to the build context ('.'); \`deploybisect explain\` shows what each end has`,
    ],
    [
      'a build context neither end has',
      [...range(), '--context', 'app'],
      2,
      `deploybisect: no build context directory 'app' in either end (good commit ${shas[0]!.slice(0, 12)}, bad commit ${shas[3]!.slice(0, 12)}): --context is relative to the repository root`,
    ],
    [
      'test of a commit without the Dockerfile',
      ['test', shas[1]!, '-f', 'Dockerfile.prod'],
      2,
      `deploybisect: no Dockerfile at 'Dockerfile.prod' in the commit ${shas[1]!.slice(0, 12)}: -f/--file is relative to the build context ('.'); \`deploybisect explain\` shows what each end has`,
    ],
    [
      'narrow of a commit whose ends lack the Dockerfile',
      ['narrow', shas[2]!, '-f', 'Dockerfile.prod'],
      2,
      /^deploybisect: no Dockerfile at 'Dockerfile.prod' in either end \(commit \w{12}, its parent \w{12}\)/,
    ],
    ['explain of an unknown ref', ['explain', shas[0]!, 'nope'], 2, `deploybisect: unknown revision 'nope' (not a commit in ${repo.dir})`],
  ];

  /** The rows are made once the repository exists (after it.each is declared): this count must cover them all. */
  const ROW_COUNT = 44;
  it('has at least 30 rows, each of them run below', () => {
    expect(rows().length).toBeGreaterThanOrEqual(30);
    expect(rows().length).toBeLessThanOrEqual(ROW_COUNT);
  });

  it.each(Array.from({ length: ROW_COUNT }, (_, i) => i))('row %i: exit code and one-line message', async (i) => {
    const row = rows()[i];
    if (!row) return;
    const [what, argv, code, message] = row;
    // No engine is needed to reject input: an unreachable one proves nothing was started.
    const run = await runCli(argv, { cwd: repo.dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(run.code, `${what}: ${run.stderr}`).toBe(code);
    expect(run.stdout, what).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines, what).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0], what).toBe(message);
    else expect(lines[0], what).toMatch(message);
  });

  it('ran nothing the user did not write and changed nothing in the repository', () => {
    expect(existsSync(pwned)).toBe(false);
    expect(repo.snapshot()).toBe(before);
    writeFileSync(join(scratch, 'done'), '');
  });
});
