import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { createProgram } from '../../src/cli/program.js';
import { reproduceCommand } from '../../src/cli/reproduce.js';
import { OPTIONS } from '../../src/options/option-table.js';
import type { OptionRow } from '../../src/options/row.js';
import { shellQuote } from '../../src/text/shell-quote.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

/** What `sh` makes of a command line: its words, split and unquoted by a real POSIX shell. */
function shellWords(commandLine: string): string[] {
  const out = execFileSync('sh', ['-c', `for w in ${commandLine}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** `sh -c 'printf "%s\n" <quoted>'`: the one word the shell sees. */
function throughShell(quoted: string): string {
  return execFileSync('sh', ['-c', `printf '%s\\n' ${quoted}`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/nonexistent', X: 'expanded' },
  });
}

function fakeStream(): NodeJS.WriteStream {
  return { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
}

/** The options commander hands to the action of `command` for `args` (the action replaced: no Docker). */
function parsedOptions(command: 'run' | 'test', args: string[]): Record<string, string | boolean | string[]> {
  const program = createProgram({
    signal: new AbortController().signal,
    stdout: fakeStream(),
    stderr: fakeStream(),
    exitCode: 0,
    run: { verdicts: 0, resumable: false },
  });
  const sub = program.commands.find((c) => c.name() === command) as Command;
  let captured: Record<string, string | boolean | string[]> | undefined;
  sub.action((...actionArgs: unknown[]) => {
    captured = actionArgs[actionArgs.length - 2] as Record<string, string | boolean | string[]>;
  });
  program.parse([command, ...args], { from: 'user' });
  expect(captured, `action of ${command} ran`).toBeDefined();
  return captured!;
}

describe('shellQuote', () => {
  it('leaves safe words alone', () => {
    for (const word of [
      'abc',
      'linux/amd64',
      'KEY=VALUE',
      'http://localhost:8080/health',
      '2xx',
      '1.5',
      'a,b',
      '@x',
      '50%',
      '-x',
      'a+b',
      SHA,
    ]) {
      expect(shellQuote(word), word).toBe(word);
    }
  });

  it('quotes anything the shell would change', () => {
    expect(shellQuote('two words')).toBe("'two words'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('*.txt')).toBe("'*.txt'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    for (const word of ['a;b', 'a&b', 'a|b', '~', 'a>b', '(x)', 'a\tb', 'a\nb', '`id`', '#c', 'é', 'a\\b', '!x', '{a,b}', '[ab]', '?']) {
      expect(shellQuote(word), JSON.stringify(word)).not.toBe(word);
    }
  });

  it('survives a real shell unchanged', () => {
    const tricky = [
      'plain',
      'two words',
      "it's",
      "''",
      '"double" quotes',
      '$HOME and ${X} and $(echo no) and `echo no`',
      '*',
      '*.ts',
      '?',
      '~',
      'Traceback|FATAL|panic:',
      'a\\b\\\\c\\',
      'line one\nline two',
      'tab\there',
      '  leading and trailing  ',
      '-n',
      '%s\\n',
      ';exit 3;',
      'mixed \'single\' "double" $X *',
      'ünïcödé ✔',
    ];
    for (const word of tricky) {
      expect(throughShell(shellQuote(word)), JSON.stringify(word)).toBe(`${word}\n`);
    }
    // The empty word stays a word (printf prints an empty line), rather than vanishing.
    expect(throughShell(shellQuote(''))).toBe('\n');
  });

  it('keeps words apart on a command line', () => {
    const words = ['a b', "c'd", '$X', '*', ''];
    expect(shellWords(words.map(shellQuote).join(' '))).toEqual(words);
  });
});

describe('reproduceCommand', () => {
  it('is just the test command and the commit when every option is at its default', () => {
    expect(reproduceCommand({}, SHA)).toBe(`deploybisect test ${SHA}`);
    const defaults = parsedOptions('run', ['good', 'bad']);
    expect(reproduceCommand(defaults, SHA)).toBe(`deploybisect test ${SHA}`);
  });

  it('includes non-default values, repeats repeatable options, and negates defaultHttp', () => {
    const raw = { network: 'none', probe: ['healthcheck', 'tcp://:5432'], healthInterval: '1s', defaultHttp: false, memory: '1g' };
    expect(reproduceCommand(raw, SHA)).toBe(
      `deploybisect test ${SHA} --network none --probe healthcheck --probe tcp://:5432 --no-default-http --health-interval 1s`,
    );
  });

  it('leaves defaults out, including defaultHttp: true', () => {
    const raw = {
      repo: '.',
      file: 'Dockerfile',
      context: '.',
      network: 'bridge',
      memory: '1g',
      pidsLimit: '512',
      expectStatus: '2xx',
      timeout: '60s',
      defaultHttp: true,
    };
    expect(reproduceCommand(raw, SHA)).toBe(`deploybisect test ${SHA}`);
    expect(reproduceCommand({ ...raw, memory: '2g', timeout: '90s', pidsLimit: '0' }, SHA)).toBe(
      `deploybisect test ${SHA} --memory 2g --pids-limit 0 --timeout 90s`,
    );
  });

  it('never includes --json, --quiet, --verbose or --report, nor run-only options', () => {
    const raw = {
      json: true,
      quiet: true,
      verbose: true,
      report: 'incident.md',
      regression: 'runtime',
      firstParent: true,
      verify: false,
      insecure: true,
    };
    const command = reproduceCommand(raw, SHA);
    expect(command).toBe(`deploybisect test ${SHA} --insecure`);
    for (const flag of ['--json', '--quiet', '-q', '--verbose', '-v', '--report', '--regression', '--first-parent', '--no-verify']) {
      expect(command.split(' ')).not.toContain(flag);
    }
  });

  it('quotes values for the shell', () => {
    const raw = {
      env: ['GREETING=hello world', 'PLAIN=1'],
      failOnLog: ['Traceback|FATAL'],
      expectBody: "it's $up",
      header: ['X-Token: a b'],
    };
    const command = reproduceCommand(raw, SHA);
    expect(command).toBe(
      `deploybisect test ${SHA}` +
        " --env 'GREETING=hello world' --env PLAIN=1 --fail-on-log 'Traceback|FATAL' --expect-body 'it'\\''s $up' --header 'X-Token: a b'",
    );
    expect(shellWords(command)).toEqual([
      'deploybisect',
      'test',
      SHA,
      '--env',
      'GREETING=hello world',
      '--env',
      'PLAIN=1',
      '--fail-on-log',
      'Traceback|FATAL',
      '--expect-body',
      "it's $up",
      '--header',
      'X-Token: a b',
    ]);
  });

  it('round-trips: the `test` command parses back every shared value the run had', () => {
    const runArgs = [
      'good',
      'bad',
      '-C',
      '../my repo',
      '-f',
      'docker/Dockerfile.prod',
      '--context',
      'services/api',
      '--build-arg',
      'VERSION=1.2.3',
      '--build-arg',
      'NOTE=two words',
      '--target',
      'runtime',
      '--build-network',
      'host',
      '--network',
      'none',
      '-e',
      'A=1',
      '--env',
      "B=it's",
      '--env-file',
      '.env',
      '--secret-env',
      'API_TOKEN',
      '--memory',
      '2g',
      '--cpus',
      '0.5',
      '--pids-limit',
      '100',
      '--image-platform',
      'linux/amd64',
      '--probe',
      'healthcheck',
      '--probe',
      'exec:test -f /tmp/ready && echo $HOME',
      '--fail-on-log',
      'Traceback|FATAL|panic:',
      '--no-default-http',
      '--health-interval',
      '1s',
      '--expect-status',
      '200-399',
      '--expect-body',
      '"status": *"ok"',
      '--header',
      'Host: example.com',
      '--insecure',
      '--timeout',
      '2m',
      '--keep-images',
      // Not shared with `test`, or output-only: left out.
      '--regression',
      'runtime',
      '--prior',
      'uniform',
      '--first-parent',
      '--no-verify',
      '--report',
      'incident.md',
      '--json',
      '--quiet',
      '--verbose',
    ];
    const runRaw = parsedOptions('run', runArgs);
    expect(runRaw).toMatchObject({
      repo: '../my repo',
      buildArg: ['VERSION=1.2.3', 'NOTE=two words'],
      defaultHttp: false,
      keepImages: true,
      memory: '2g',
    });
    const command = reproduceCommand(runRaw, SHA);
    const words = shellWords(command);
    expect(words.slice(0, 3)).toEqual(['deploybisect', 'test', SHA]);
    for (const flag of ['--json', '--quiet', '--verbose', '--report', '--regression', '--prior', '--first-parent', '--no-verify']) {
      expect(words, flag).not.toContain(flag);
    }
    expect(words.filter((w) => w === '--probe')).toHaveLength(2);
    expect(words.filter((w) => w === '--build-arg')).toHaveLength(2);
    expect(words).toContain('--no-default-http');

    const testRaw = parsedOptions('test', words.slice(2));
    const shared = (OPTIONS as readonly OptionRow[]).filter(
      (o) => o.commands.includes('test') && !['--json', '-q, --quiet', '-v, --verbose'].includes(o.flags),
    );
    expect(shared.length).toBeGreaterThan(20);
    const pick = (raw: Record<string, unknown>) => {
      const picked: Record<string, unknown> = {};
      for (const key of Object.keys(raw))
        if (
          ![
            'json',
            'quiet',
            'verbose',
            'report',
            'regression',
            'prior',
            'firstParent',
            'verify',
            'jobs',
            'runs',
            'confidence',
            'maxRuns',
            'narrow',
            'maxBuilds',
            'buildAhead',
          ].includes(key)
        )
          picked[key] = raw[key];
      return picked;
    };
    expect(pick(testRaw)).toEqual(pick(runRaw));
    expect(testRaw.defaultHttp).toBe(false);
    expect(testRaw.probe).toEqual(['healthcheck', 'exec:test -f /tmp/ready && echo $HOME']);
    expect(testRaw.json).toBeUndefined();
    expect(testRaw.verbose).toBeUndefined();
  });
});
