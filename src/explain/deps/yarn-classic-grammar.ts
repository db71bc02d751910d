/**
 * The yarn.lock v1 ("classic") grammar, as yarn 1 writes and reads it: `#` comments; a block per
 * line group, indented by two spaces a level; `key1, key2:` opens an object under those keys;
 * `key value` sets a value; keys and values are bare words or double-quoted JSON strings; `true`,
 * `false` and numbers are what they say. Pure; a line that does not fit the grammar is an error.
 *
 * Chosen over @yarnpkg/lockfile (unmaintained since 2018, a 10,000-line bundle) and @yarnpkg/parsers
 * (pulls in js-yaml): the grammar is this small.
 */

export type YarnValue = string | boolean | number | YarnObject;
export interface YarnObject {
  [key: string]: YarnValue;
}

export class YarnLockSyntaxError extends Error {}

/** `"a@^1", b@^2` → ['a@^1', 'b@^2']: keys separated by commas, each bare or quoted. */
function splitKeys(text: string, lineNo: number): string[] {
  const keys: string[] = [];
  let rest = text.trim();
  while (rest !== '') {
    let key: string;
    if (rest.startsWith('"')) {
      const end = closingQuote(rest);
      if (end === -1) throw new YarnLockSyntaxError(`line ${lineNo}: unterminated string`);
      key = JSON.parse(rest.slice(0, end + 1)) as string;
      rest = rest.slice(end + 1).trim();
    } else {
      const comma = rest.indexOf(',');
      key = (comma === -1 ? rest : rest.slice(0, comma)).trim();
      rest = comma === -1 ? '' : rest.slice(comma);
    }
    keys.push(key);
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
    else if (rest !== '') throw new YarnLockSyntaxError(`line ${lineNo}: expected "," between keys`);
  }
  return keys;
}

function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function scalar(text: string, lineNo: number): YarnValue {
  if (text.startsWith('"')) {
    if (closingQuote(text) !== text.length - 1) throw new YarnLockSyntaxError(`line ${lineNo}: malformed string`);
    return JSON.parse(text) as string;
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** `key value` → [key, value]; the key may be quoted. */
function keyValue(text: string, lineNo: number): [string, YarnValue] {
  if (text.startsWith('"')) {
    const end = closingQuote(text);
    if (end === -1) throw new YarnLockSyntaxError(`line ${lineNo}: unterminated string`);
    return [JSON.parse(text.slice(0, end + 1)) as string, scalar(text.slice(end + 1).trim(), lineNo)];
  }
  const space = text.indexOf(' ');
  if (space === -1) throw new YarnLockSyntaxError(`line ${lineNo}: a key without a value`);
  return [text.slice(0, space), scalar(text.slice(space + 1).trim(), lineNo)];
}

/** The lock as nested objects: top-level keys are the `name@range` specifiers (each key of a block). */
export function parseYarnClassic(text: string): YarnObject {
  const root: YarnObject = {};
  const stack: { indent: number; objects: YarnObject[] }[] = [{ indent: -1, objects: [root] }];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i]!.replace(/\r$/, '');
    const content = raw.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const indent = raw.length - content.length;
    if (indent % 2 !== 0) throw new YarnLockSyntaxError(`line ${i + 1}: indentation is not a multiple of two spaces`);
    while (stack.length > 1 && stack.at(-1)!.indent >= indent) stack.pop();
    const parents = stack.at(-1)!.objects;
    if (content.endsWith(':')) {
      const child: YarnObject = {};
      for (const key of splitKeys(content.slice(0, -1), i + 1)) for (const parent of parents) parent[key] = child;
      stack.push({ indent, objects: [child] });
    } else {
      const [key, value] = keyValue(content, i + 1);
      for (const parent of parents) parent[key] = value;
    }
  }
  return root;
}
