/**
 * Python requirement strings (PEP 508: `name[extra]>=1,<2; python_version < "3.8"`, `name @ url`) and
 * PyPI's name normalisation (PEP 503: `Flask_Login` → `flask-login`). Pure.
 */

export interface Requirement {
  /** As written. */
  name: string;
  /** The version specifier (`>=1,<2`, `==2.0`), or the URL of `name @ url`; '' when none. */
  specifier: string;
  marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*/;

export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The requirement, or undefined for what is not one (a URL or path without a name, an option). */
export function parseRequirement(text: string): Requirement | undefined {
  const semicolon = text.indexOf(';');
  const head = semicolon === -1 ? text : text.slice(0, semicolon);
  const marker = semicolon === -1 ? undefined : text.slice(semicolon + 1).trim();
  const m = NAME.exec(head);
  if (!m?.[1]) return undefined;
  let rest = head.slice(m[0].length).trim();
  if (rest.startsWith('@')) rest = rest.slice(1).trim();
  else if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  if (rest !== '' && !/^[<>=!~@]|^https?:|^file:|^git\+/.test(rest)) return undefined;
  return { name: m[1], specifier: rest.replace(/\s+/g, ''), ...(marker ? { marker } : {}) };
}
