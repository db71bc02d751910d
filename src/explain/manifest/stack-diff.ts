/**
 * What changed between two compose stacks (the normalised projects of a commit and its parent), as
 * findings: the files compose reads, services added, removed or renamed, and each service's keys
 * (stack-service-diff.ts). A service is taken as renamed when one is removed and one added that is
 * built the same way (same build context and Dockerfile, or the same image repository) with most of
 * its other keys equal; the renamed one's keys are then compared with its old self's. Pure.
 */
import { isDeepStrictEqual } from 'node:util';

import type { ComposeProject, ComposeService } from '../../contract/compose/model.js';
import type { Finding } from '../finding.js';
import { manifestFinding } from './manifest-finding.js';
import { serviceFindings, stackFinding } from './stack-service-diff.js';
import { buildText } from './stack-texts.js';

/** The keys weighed to tell a rename from a service replaced by another. */
const WEIGHED: (keyof ComposeService)[] = [
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'envFiles',
  'ports',
  'expose',
  'healthcheck',
  'dependsOn',
  'volumes',
  'restart',
  'user',
  'workingDir',
  'labels',
  'secrets',
];

/** The findings from `before` to `after`; either may be absent (no compose file at that commit). */
export function stackFindings(before: ComposeProject | undefined, after: ComposeProject | undefined): Finding[] {
  if (!before && !after) return [];
  if (!before || !after) {
    const project = (before ?? after)!;
    const path = project.files[0] ?? 'compose.yaml';
    const what = `compose file ${path} (services ${Object.keys(project.services).join(', ')})`;
    const summary = before ? `${what} was removed` : `${what} was added`;
    return [manifestFinding('manifest-platform', path, path, before ? what : undefined, after ? what : undefined, summary)];
  }
  const path = after.files[0] ?? before.files[0] ?? 'compose.yaml';
  const findings: Finding[] = [];
  const [was, now] = [before.files.join(', '), after.files.join(', ')];
  if (was !== now) findings.push(manifestFinding('manifest-platform', path, 'files', was, now, `compose files: ${was} → ${now}`));
  const removed = Object.keys(before.services).filter((name) => !after.services[name]);
  const added = Object.keys(after.services).filter((name) => !before.services[name]);
  const renamed = renames(
    removed.map((name) => before.services[name]!),
    added.map((name) => after.services[name]!),
  );
  for (const [old, name] of renamed) {
    findings.push(stackFinding('compose-service', path, name, '', { before: old, after: name }, `service ${old} was renamed to ${name}`));
  }
  for (const name of removed.filter((n) => !renamed.has(n))) {
    const text = serviceText(before.services[name]!);
    findings.push(stackFinding('compose-service', path, name, '', { before: name }, `service ${name} was removed (was ${text})`));
  }
  for (const name of added.filter((n) => ![...renamed.values()].includes(n))) {
    const text = serviceText(after.services[name]!);
    findings.push(stackFinding('compose-service', path, name, '', { after: name }, `service ${name} was added (${text})`));
  }
  const oldName = (name: string) => [...renamed].find(([, n]) => n === name)?.[0] ?? name;
  for (const [name, service] of Object.entries(after.services)) {
    const old = before.services[oldName(name)];
    if (old) findings.push(...serviceFindings(path, name, old, service, renamed));
  }
  return findings;
}

/** `postgres:16`, or built from `backend (Dockerfile backend/Dockerfile)`. */
function serviceText(service: ComposeService): string {
  return service.build ? `built from ${buildText(service.build)}` : (service.image ?? 'no image');
}

/** Old name → new name, each service in one pair at most, the closest pairs first. */
function renames(removed: readonly ComposeService[], added: readonly ComposeService[]): Map<string, string> {
  const pairs = removed
    .flatMap((a) => added.map((b) => ({ a, b, score: sameService(a, b) })))
    .filter((p) => p.score >= 0.5)
    .sort((x, y) => y.score - x.score);
  const out = new Map<string, string>();
  for (const { a, b } of pairs) {
    if (out.has(a.name) || [...out.values()].includes(b.name)) continue;
    out.set(a.name, b.name);
  }
  return out;
}

/** 0 unless built the same way; else the share of the weighed keys either sets that are equal. */
function sameService(a: ComposeService, b: ComposeService): number {
  const built =
    a.build && b.build && isDeepStrictEqual([a.build.context, a.build.dockerfilePath], [b.build.context, b.build.dockerfilePath]);
  const repository = (ref: string | null) => ref?.replace(/@sha256:\w+$/, '').replace(/:[\w.-]+$/, '');
  const pulled = !a.build && !b.build && a.image !== null && repository(a.image) === repository(b.image);
  if (!built && !pulled) return 0;
  const set = (value: unknown) =>
    value !== null && value !== undefined && !(typeof value === 'object' && Object.keys(value as object).length === 0);
  const weighed = WEIGHED.filter((key) => set(a[key]) || set(b[key]));
  if (weighed.length === 0) return 1;
  return weighed.filter((key) => isDeepStrictEqual(a[key], b[key])).length / weighed.length;
}
