import { OPTIONS } from '../options/option-table.js';
import { longFlag, type Input } from '../options/row.js';
import { shellQuote } from '../text/shell-quote.js';

/**
 * Options of `test` that say nothing about how a commit is evaluated (`--regression` only changes
 * the verdict `test` exits with, not the outcome it shows).
 */
const NOT_REPRODUCED = new Set(['json', 'quiet', 'verbose', 'cacheDir', 'cache', 'regression']);

/**
 * The `deploybisect test <sha> …` command that evaluates one commit exactly as the run did:
 * every option `test` shares with the run that was given (on the command line or in the config), where it differs from its default.
 */
export function reproduceCommand(given: Readonly<Record<string, Input>>, sha: string): string {
  const words = ['deploybisect', 'test', sha];
  for (const row of OPTIONS) {
    if (!(row.commands as readonly string[]).includes('test') || NOT_REPRODUCED.has(row.key) || 'aliasOf' in row) continue;
    const value = given[row.key];
    const flag = longFlag(row);
    if (value === undefined || value === ('default' in row ? row.default : undefined)) continue;
    if (flag.startsWith('--no-')) {
      if (value === false) words.push(flag);
    } else if (typeof value === 'boolean') {
      if (value) words.push(flag);
    } else if (Array.isArray(value)) {
      for (const item of value) words.push(flag, shellQuote(String(item)));
    } else {
      words.push(flag, shellQuote(String(value)));
    }
  }
  return words.join(' ');
}
