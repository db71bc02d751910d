import { Option } from 'commander';
import { shellQuote } from '../text/shell-quote.js';
import { OPTIONS } from './options.js';

/**
 * The `deploybisect test <sha> …` command that evaluates one commit exactly as the run did:
 * every option `test` shares with the run, where it differs from its default.
 */
export function reproduceCommand(raw: Record<string, unknown>, sha: string): string {
  const words = ['deploybisect', 'test', sha];
  for (const spec of OPTIONS) {
    if (!spec.commands.includes('test') || ['--json', '-q, --quiet', '-v, --verbose', '--cache-dir <dir>', '--no-cache'].includes(spec.flags)) continue;
    const option = new Option(spec.flags);
    const value = raw[option.attributeName()];
    const flag = option.long!;
    if (value === undefined || value === spec.defaultValue) continue;
    if (option.negate) {
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
