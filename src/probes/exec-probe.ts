import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

import { EngineLostError } from '../docker/engine-calls.js';
import { cleanText } from '../text/clean-text.js';
import { poll } from './poll.js';
import { startResult, type Probe, type ProbeResult, type ProbeTarget } from './probe.js';

const OUTPUT_LIMIT = 4000;

/**
 * `exec:<command>` — the command, run inside the container with `sh -c`, exits 0. Retried until the
 * deadline. With `argv` (a platform's exec check, which runs no shell), those words are run as they are.
 */
export class ExecProbe implements Probe {
  readonly kind = 'exec';
  constructor(
    readonly spec: string,
    readonly command: string,
    private readonly argv?: readonly string[],
  ) {}

  async check(target: ProbeTarget, deadline: number): Promise<ProbeResult> {
    const { clock } = target;
    const finish = startResult(this, clock);
    let evidence: Record<string, unknown> = {};
    const outcome = await poll<true>(
      async () => {
        const run = await execOnce(target.container, this.argv ? [...this.argv] : ['sh', '-c', this.command]).catch((error: Error) => {
          if (error instanceof EngineLostError) throw error;
          return { exitCode: undefined, output: '', error: error.message };
        });
        // Clean, then mask, then cut: codes could split a secret, and a cut through one would leave part of it unmasked.
        const output = target.redact(cleanText(run.output)).slice(-OUTPUT_LIMIT);
        evidence = { exitCode: run.exitCode, output };
        if (run.exitCode === 0) return { done: true, value: true };
        const why =
          run.exitCode === undefined ? `could not run (${firstLine('error' in run ? run.error : '')})` : `exited with code ${run.exitCode}`;
        return { done: false, reason: `exec '${this.command}' ${why}` };
      },
      { clock, deadline, intervalMs: 500, stop: target.stop },
    );
    switch (outcome.kind) {
      case 'done':
        return finish(true, `exec '${this.command}' exited with code 0`, evidence);
      case 'stopped':
        return finish(false, outcome.reason, evidence);
      case 'timeout':
        return finish(false, outcome.lastReason, evidence);
    }
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/** Runs a command in the container; its combined output and exit code. */
export async function execOnce(container: Docker.Container, cmd: string[]): Promise<{ exitCode: number | undefined; output: string }> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  container.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => {
    stream.on('end', () => setImmediate(resolve));
    stream.on('close', () => setImmediate(resolve));
    stream.on('error', () => resolve());
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? undefined, output: Buffer.concat(chunks).toString('utf8') };
}
