/** The id git gives a blob of this content (`git hash-object`): the same text, the same id. Pure. */
import { createHash } from 'node:crypto';

export function gitBlobId(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
