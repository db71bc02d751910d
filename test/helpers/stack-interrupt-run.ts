/**
 * A search of a compose stack stopped by a signal while a candidate's stack is up: the CLI is started
 * with --verbose (each service's lines, `container | db | …`, say when a stack is up), and `signal` is
 * sent once a verdict was printed and a line of `service` followed it. What the session had on the
 * engine just before the signal is read, to show what the signal had to remove.
 */
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';

import { CLI } from './run-cli.js';
import { sessionObjects, type StackObjects } from './stack-podman-objects.js';

export const VERDICT = / — (good|bad|skip): /g;

export interface Interrupted {
  code: number | null;
  stderr: string;
  session: string;
  /** Verdict lines printed before the signal. */
  verdicts: number;
  /** The session's objects just before the signal: the candidate's stack, up. */
  up: StackObjects;
}

export interface InterruptOptions {
  docker: Docker;
  dockerHost: string;
  cwd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  signal: NodeJS.Signals;
  /** The service whose line, after the first verdict, says the next stack is up. */
  service: string;
}

export async function interruptMidStack(o: InterruptOptions): Promise<Interrupted> {
  const child = spawn(process.execPath, [CLI, ...o.args, '--verbose'], {
    cwd: o.cwd,
    env: { ...process.env, DOCKER_HOST: o.dockerHost, NO_COLOR: '1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const serviceLine = new RegExp(`container \\| ${o.service} \\| `);
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const verdictAt = stderr.search(VERDICT);
      if (verdictAt >= 0 && serviceLine.test(stderr.slice(verdictAt))) resolve();
    });
    child.on('close', () => resolve());
  });
  const session = /session ([0-9a-f]{8}):/.exec(stderr)?.[1] ?? '';
  const up = await sessionObjects(o.docker, session);
  child.kill(o.signal);
  const code = await exited;
  return { code, stderr, session, verdicts: (stderr.match(VERDICT) ?? []).length, up };
}
