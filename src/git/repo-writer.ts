/**
 * Writing a repository of deploybisect's own: a new one in a directory deploybisect made (the
 * demo's story), never the user's. Synchronous (the demo writes its story before anything else
 * runs); git runs with git-env.ts's writer environment, so the caller's GIT_* are ignored.
 */
import { writerEnv, type CommitIdentity } from './git-env.js';
import { gitOutputSync } from './git-exec.js';

export type { CommitIdentity };

export class RepoWriter {
  private constructor(readonly dir: string) {}

  /** `git init` in `dir` (an existing directory), with `branch` as the initial branch. */
  static init(dir: string, branch = 'main'): RepoWriter {
    const writer = new RepoWriter(dir);
    writer.git(['init', '-q', '-b', branch]);
    return writer;
  }

  /** Commits the whole work tree as it is now (`add -A`, then `commit`) as `identity`; returns the new commit's sha. */
  commitAll(subject: string, identity: CommitIdentity): string {
    this.git(['add', '-A']);
    this.git(['commit', '-q', '-m', subject], identity);
    return this.git(['rev-parse', 'HEAD']);
  }

  private git(args: string[], identity?: CommitIdentity): string {
    return gitOutputSync(this.dir, args, { env: writerEnv(identity) })
      .toString('utf8')
      .trim();
  }
}
