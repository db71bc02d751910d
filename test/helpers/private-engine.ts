/**
 * A Docker engine of one test file's own (scripts/docker-engine.sh in a private directory), so a
 * test can kill, stop, restart or starve it without touching the engines other tests share.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'docker-engine.sh');

export class PrivateEngine {
  constructor(
    readonly dir: string,
    /** A data root of its own of this size (e.g. `400M`): a small disk to fill. */
    private readonly dataSize?: string,
  ) {}

  /** Starts the engine (or finds it running); returns its DOCKER_HOST. */
  start(): string {
    const out = execFileSync('bash', [SCRIPT], {
      env: {
        ...process.env,
        DEPLOYBISECT_ENGINE_DIR: this.dir,
        ...(this.dataSize ? { DEPLOYBISECT_ENGINE_DATA_SIZE: this.dataSize } : {}),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim().split('\n').at(-1)!;
  }

  /** Stops the engine as its service manager would (SIGTERM, then waits); a small disk is unmounted and removed. */
  stop(): void {
    execFileSync('bash', [SCRIPT, '--stop'], { env: { ...process.env, DEPLOYBISECT_ENGINE_DIR: this.dir }, stdio: 'ignore' });
  }

  /** Stops the engine without removing its data root, and starts it again on the same socket and data. */
  async restart(): Promise<string> {
    const pid = this.pid();
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + 30_000;
    while (Date.now() < until && alive(pid)) await new Promise((resolve) => setTimeout(resolve, 200));
    return this.start();
  }

  pid(): number {
    return Number(readFileSync(join(this.dir, 'dockerd.pid'), 'utf8').trim());
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}
