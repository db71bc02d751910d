/**
 * Render's `envVars`: literal `value`s, `generateValue` (a fresh secret), `fromGroup` (resolved from the
 * file's own `envVarGroups` where it can be), and what lives outside the file: `sync: false` (set in the
 * dashboard), `fromDatabase`, `fromService`.
 */
import type { EnvEntry } from '../contract.js';
import { generatedEnv, literalEnv, SECRET_NAME, unresolvedEnv } from '../env.js';
import type { Node } from '../source/node.js';
import { invalid, keyPathText } from '../source/problem.js';

export function renderEnv(root: Node, service: Node): EnvEntry[] {
  const groups = new Map(
    root
      .at('envVarGroups')
      .items()
      .map((group) => [group.at('name').optString() ?? '', group]),
  );
  const out: EnvEntry[] = [];
  for (const item of service.at('envVars').items()) {
    const group = item.at('fromGroup').optString();
    if (group !== undefined) out.push(...groupEnv(group, groups.get(group), keyPathText(item.path)));
    else out.push(oneEnv(item));
  }
  return out;
}

function groupEnv(name: string, group: Node | undefined, from: string): EnvEntry[] {
  if (!group) return [unresolvedEnv(`(group ${name})`, `environment group '${name}' is not in the file`, from, true)];
  return group
    .at('envVars')
    .items()
    .map((item) => oneEnv(item));
}

function oneEnv(item: Node): EnvEntry {
  const key = item.at('key').string();
  const from = keyPathText(item.path);
  const value = item.at('value').optScalar();
  if (value !== undefined) return literalEnv(key, value, from);
  if (item.at('generateValue').optBoolean() === true) return generatedEnv(key, from);
  if (item.at('sync').optBoolean() === false) return unresolvedEnv(key, 'sync: false (set in the dashboard)', from, SECRET_NAME.test(key));
  const database = item.at('fromDatabase');
  if (database.present) {
    const what = `${database.at('name').optString() ?? '?'}.${database.at('property').optString() ?? '?'}`;
    return unresolvedEnv(key, `fromDatabase ${what}`, from, true);
  }
  const service = item.at('fromService');
  if (service.present) {
    const what = `${service.at('name').optString() ?? '?'}.${service.at('property').optString() ?? service.at('envVarKey').optString() ?? '?'}`;
    return unresolvedEnv(key, `fromService ${what}`, from, SECRET_NAME.test(key) || service.at('envVarKey').present);
  }
  throw invalid(item.path, 'needs value, generateValue, sync: false, fromDatabase, fromService or fromGroup');
}
