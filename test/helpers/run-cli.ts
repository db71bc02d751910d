/** Runs the built CLI (dist/cli/main.js) as a user would, against the test engine. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { testDockerHost } from './docker-engine.js';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');
/** The command users run (package.json "bin"): a wrapper that starts CLI with node. */
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'deploybisect');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-cache-'));
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd: options.cwd,
      // A fresh verdict cache per invocation: tests must not reuse each other's verdicts (unless they say so).
      // Not the GitHub step files of a CI job that runs the tests: `run` and `nightly` write to them (tests set their own).
      env: {
        ...process.env,
        DOCKER_HOST: testDockerHost(),
        NO_COLOR: '1',
        XDG_CACHE_HOME: cache,
        GITHUB_OUTPUT: undefined,
        GITHUB_STEP_SUMMARY: undefined,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      rmSync(cache, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}
