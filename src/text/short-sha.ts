/** A commit as people read it in output: the first 12 hex digits of its id, the one width everywhere. */
export const SHORT_SHA_LENGTH = 12;

export function shortSha(sha: string): string {
  return sha.slice(0, SHORT_SHA_LENGTH);
}
