/**
 * `--secret id=<id>[,env=<VAR>|,src=<file>]`, as `docker build --secret` takes it: a build secret
 * for `RUN --mount=type=secret,id=<id>`, from an environment variable or a file (`type=env|file`
 * may say which; with neither `env` nor `src`, the variable named like the id). Its value is read
 * once, here, and goes only to BuildKit: never into output, JSON, reports, the state or a cache key
 * (which holds the id and a hash of the value).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { UsageError } from '../errors.js';

export interface BuildSecret {
  id: string;
  /** Where the value came from, for messages: `env TOKEN`, `file ./npmrc`. */
  from: string;
  value: Buffer;
}

const ID = /^[A-Za-z0-9_.-]+$/;

export function parseBuildSecret(spec: string): BuildSecret {
  const fields = new Map<string, string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --secret '${spec}': expected id=<id>[,env=<VAR>|,src=<file>]`);
    fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1));
  }
  const id = fields.get('id');
  if (!id || !ID.test(id)) throw new UsageError(`invalid --secret '${spec}': expected id=<id>[,env=<VAR>|,src=<file>]`);
  const src = fields.get('src') ?? fields.get('source');
  const type = fields.get('type') ?? (src !== undefined ? 'file' : 'env');
  if (type === 'file') {
    if (src === undefined) throw new UsageError(`--secret ${id}: type=file needs src=<file>`);
    try {
      return { id, from: `file ${src}`, value: readFileSync(src) };
    } catch (error) {
      throw new UsageError(`cannot read --secret ${id} from ${src}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (type !== 'env') throw new UsageError(`invalid --secret '${spec}': type is env or file`);
  const variable = fields.get('env') ?? id;
  const value = process.env[variable];
  if (value === undefined) throw new UsageError(`--secret ${id}: the environment variable ${variable} is not set`);
  return { id, from: `env ${variable}`, value: Buffer.from(value) };
}

/** What the secrets are, for a cache key: each id with a hash of its value. */
export function secretFingerprints(secrets: readonly BuildSecret[]): Array<{ id: string; sha256: string }> {
  return [...secrets]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((s) => ({ id: s.id, sha256: createHash('sha256').update(s.value).digest('hex') }));
}

/** The texts to mask wherever output leaves the tool: the value, trimmed, and each of its lines. */
export function secretTexts(secrets: readonly BuildSecret[]): string[] {
  return secrets.flatMap((s) => {
    const text = s.value.toString('utf8');
    const lines = text.split(/\r?\n/).filter((l) => l.trim().length >= 4);
    return [text, text.trim(), ...lines];
  });
}
