/** Building environment entries: one constructor per kind, so the rules on secrets live in one place. */
import type { EnvEntry } from './contract.js';

export function literalEnv(key: string, value: string, from: string): EnvEntry {
  return { key, value, kind: 'literal', secret: false, from };
}

/** A variable the platform sets itself (PORT), with the platform's value. */
export function platformEnv(key: string, value: string, from: string): EnvEntry {
  return { key, value, kind: 'platform', secret: false, from };
}

/** A fresh random value per deployment (Render generateValue): secret, and never a value here. */
export function generatedEnv(key: string, from: string): EnvEntry {
  return { key, kind: 'generated', secret: true, from };
}

/**
 * A value kept outside the repository. A secret is passed from the caller's environment without showing
 * it (`--secret-env KEY`); anything else with `--env KEY=…` (or an env file).
 */
export function unresolvedEnv(key: string, reason: string, from: string, secret: boolean): EnvEntry {
  const supply = secret ? `--secret-env ${key}` : `--env ${key}=…`;
  return { key, kind: 'unresolved', secret, from, unresolved: { reason, supply } };
}

/**
 * The environment in the platform's order of precedence: later entries win over earlier ones with the
 * same key (the result keeps one entry per key, in first-seen order).
 */
export function mergeEnv(...layers: readonly EnvEntry[][]): EnvEntry[] {
  const byKey = new Map<string, EnvEntry>();
  for (const layer of layers) for (const entry of layer) byKey.set(entry.key, entry);
  return [...byKey.values()];
}

/** Names that look like secrets, Django's SECRET_KEY and Rails' SECRET_KEY_BASE included (a literal value under such a name is still shown: it is in the repository). */
export const SECRET_NAME = /(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|SECRET_?KEY(?:_?BASE)?|ENCRYPTION_?KEY|CREDENTIALS?)$/i;
