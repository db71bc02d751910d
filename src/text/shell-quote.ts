/** Characters a POSIX shell gives no meaning to inside a word: such a word needs no quotes. */
const SAFE_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/**
 * A word written so that a POSIX shell reads it back unchanged: as it is when it holds only safe
 * characters, else in single quotes (an embedded quote written `'\''`); the empty word is `''`.
 */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
