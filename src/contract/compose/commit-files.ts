/**
 * Files of one commit, read from git objects with one `git cat-file --batch` process (symlinks inside
 * the tree followed, as a checkout would), never from the work tree. Read texts are kept, so a file
 * several services name is read once.
 */
import { CatFileBatch } from '../../git/cat-file-batch.js';
import type { FileSource } from './file-source.js';

/** Larger files are not compose or env files; reading them is refused as "no such file". */
const MAX_BYTES = 4 * 1024 * 1024;

export class CommitFiles implements FileSource {
  private readonly batch: CatFileBatch;
  private readonly texts = new Map<string, string | null>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    repoDir: string,
    private readonly commit: string,
  ) {
    this.batch = CatFileBatch.start(repoDir, { followSymlinks: true });
  }

  read(path: string): Promise<string | null> {
    const known = this.texts.get(path);
    if (known !== undefined) return Promise.resolve(known);
    // One question at a time on the batch process: answers come back in the order asked.
    const answer = this.queue.then(() => this.readNow(path));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  close(): void {
    this.batch.close();
  }

  private async readNow(path: string): Promise<string | null> {
    if (path === '' || path.startsWith('/') || path.startsWith('../')) return null;
    this.batch.request([`${this.commit}:${path}`]);
    const answer = await this.batch.next();
    let text: string | null = null;
    if (answer.kind === 'found') {
      if (answer.type === 'blob' && answer.size <= MAX_BYTES) text = (await this.batch.readBody(answer.size)).toString('utf8');
      else await this.batch.skipBody(answer.size);
    }
    this.texts.set(path, text);
    return text;
  }
}
