/**
 * The bytes of a build context: the tar docker receives, made from the planned entries
 * (build-context.ts) and git's blobs, deterministic (fixed mtime, uid/gid 0, entries in order).
 */
import { Readable } from 'node:stream';

import { DeployBisectError, ExitCode } from '../errors.js';
import { CatFileBatch } from './cat-file-batch.js';
import { padding, TAR_END, tarHeader } from './tar-writer.js';

/** One entry of a build context's tar. */
export type ContextEntry =
  | { type: 'directory'; path: string; mode: number }
  | { type: 'file'; path: string; mode: number; oid: string }
  | { type: 'symlink'; path: string; mode: number; oid: string }
  /** A file whose content is not a blob of the tree: a Dockerfile from outside the context. */
  | { type: 'inline'; path: string; mode: number; content: Buffer };

/** All tar entries carry this mtime: fixed for reproducible bytes, and after 1980 so zip-based tools inside builds accept it. */
export const CONTEXT_MTIME = new Date('2000-01-01T00:00:00Z');

/**
 * The tar of the planned entries. Nothing runs until the stream is read; then one
 * `git cat-file --batch` streams every blob in order, with backpressure (a blob is read from
 * git only as fast as the reader takes the tar, whatever its size). Names are written with
 * their exact bytes (tar-writer.ts).
 */
export function contextTar(repoDir: string, entries: readonly ContextEntry[]): Readable {
  return Readable.from(tarChunks(repoDir, entries), { objectMode: false });
}

async function* tarChunks(repoDir: string, entries: readonly ContextEntry[]): AsyncGenerator<Buffer> {
  const blobs = entries.flatMap((entry) => (entry.type === 'file' || entry.type === 'symlink' ? [entry.oid] : []));
  const batch = blobs.length > 0 ? CatFileBatch.start(repoDir) : undefined;
  try {
    batch?.request(blobs);
    for (const entry of entries) {
      const header = { name: entry.path, mode: entry.mode, mtime: CONTEXT_MTIME };
      if (entry.type === 'directory') {
        yield tarHeader({ ...header, type: 'directory' });
      } else if (entry.type === 'inline') {
        yield tarHeader({ ...header, type: 'file', size: entry.content.length });
        yield entry.content;
        yield padding(entry.content.length);
      } else {
        const object = await nextBlob(batch, entry.oid);
        if (entry.type === 'symlink') {
          yield tarHeader({ ...header, type: 'symlink', linkname: await batch!.readBody(object.size) });
        } else {
          yield tarHeader({ ...header, type: 'file', size: object.size });
          for await (const chunk of batch!.body(object.size)) yield chunk;
          yield padding(object.size);
        }
      }
    }
    yield TAR_END;
  } finally {
    batch?.close();
  }
}

async function nextBlob(batch: CatFileBatch | undefined, oid: string): Promise<{ size: number }> {
  if (!batch) throw new Error('unreachable: blob entry without cat-file');
  const object = await batch.next();
  if (object.kind !== 'found' || object.oid !== oid || object.type !== 'blob') {
    throw new DeployBisectError(`git object ${oid} is not a readable blob`, ExitCode.internal);
  }
  return object;
}
