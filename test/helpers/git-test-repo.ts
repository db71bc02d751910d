/** What TestRepo (test/fixtures/git-repo.ts) lacks: binary files, symlinks, and git under an environment of the test's choosing. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { TestRepo } from '../fixtures/git-repo.js';

export class GitTestRepo extends TestRepo {
  /** Still unset while TestRepo's constructor runs `git init`, which needs no identity. */
  private readonly env: NodeJS.ProcessEnv | undefined;

  /**
   * With `env`, every git command after `init` runs under exactly that environment instead of
   * TestRepo's (its author, committer, dates and config isolation): for tests that assert them.
   */
  constructor(prefix?: string, env?: NodeJS.ProcessEnv) {
    super(prefix);
    this.env = env;
  }

  override git(...args: string[]): string {
    if (!this.env) return super.git(...args);
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8' }).trim();
  }

  /** Writes raw bytes (not UTF-8 text) to `path`, mode 0644 like TestRepo.write. */
  writeBytes(path: string, data: Buffer): void {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    chmodSync(file, 0o644);
  }

  /** Makes `path` a symlink to `target` (as written, dangling or not). */
  symlink(path: string, target: string): void {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    symlinkSync(target, file);
  }
}
