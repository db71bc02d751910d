/**
 * Package changes said for people: one line per direct change ("webdav ^4.11.2 → ^5.10.0 (major),
 * locked 4.11.5 → 5.10.0, production dependency (package.json line 67)"), and one line summing up the
 * transitive ones. Pure.
 */
import type { ChangeSource, PackageChange } from './types.js';
import { pinnedVersion } from './version.js';

const arrow = (from: string | undefined, to: string | undefined) => `${from ?? '(none)'} → ${to ?? '(none)'}`;

/** "package.json line 67, package-lock.json line 6832" (the line after the change, else before). */
export function whereWritten(sources: readonly ChangeSource[]): string {
  return sources
    .map((s) => {
      const line = s.lineAfter ?? s.lineBefore;
      return line === undefined ? s.path : `${s.path} line ${line}${s.lineAfter === undefined ? ' (before)' : ''}`;
    })
    .join(', ');
}

const scopeText = (c: PackageChange) => (c.scope === 'dev' ? 'dev dependency' : 'production dependency');

/** One line for one change. */
export function describeChange(c: PackageChange): string {
  const where = c.sources.length > 0 ? ` (${whereWritten(c.sources)})` : '';
  if (c.ecosystem === 'runtime')
    return `${c.name} runtime ${c.kind === 'added' ? `pinned to ${c.to}` : c.kind === 'removed' ? `no longer pinned (was ${c.from})` : arrow(c.from, c.to)}${where}`;
  const major = c.major ? ' (major)' : '';
  const declared = c.declared;
  // An exact pin (`==3.0.0`) is the version itself: "locked" only where a lock says more than the manifest.
  const says = (requirement: string | undefined, version: string | undefined) =>
    requirement === version || (requirement !== undefined && pinnedVersion(requirement) === version);
  const locked = declared && (!says(declared.from, c.from) || !says(declared.to, c.to));
  switch (c.kind) {
    case 'added':
      return `${c.name} ${declared?.to ?? c.to} added${locked ? ` (locked ${c.to})` : ''}, ${scopeText(c)}${where}`;
    case 'removed':
      return `${c.name} ${declared?.from ?? c.from} removed${locked ? ` (was locked ${c.from})` : ''}, was a ${scopeText(c)}${where}`;
    case 'moved':
      return `${c.name} ${c.to} moved from ${c.scopeBefore === 'dev' ? 'dev' : 'production'} to ${c.scope === 'dev' ? 'dev' : 'production'} dependencies${where}`;
    default: {
      const ranges = declared?.from !== undefined && declared.to !== undefined && declared.from !== declared.to;
      const head =
        ranges && locked ? `${arrow(declared.from, declared.to)}${major}, locked ${arrow(c.from, c.to)}` : `${arrow(c.from, c.to)}${major}`;
      return `${c.name} ${head}, ${scopeText(c)}${where}`;
    }
  }
}

/** "31 transitive packages changed: 12 upgraded (2 major), 15 added, 4 removed; majors: axios 0.30.3 → 1.16.1". */
export function summarizeTransitive(changes: readonly PackageChange[]): string | undefined {
  const transitive = changes.filter((c) => !c.direct);
  if (transitive.length === 0) return undefined;
  const count = (kind: PackageChange['kind']) => transitive.filter((c) => c.kind === kind).length;
  const majors = transitive.filter((c) => c.major);
  const parts = (['upgraded', 'downgraded', 'added', 'removed', 'moved', 'changed'] as const)
    .map((kind) => [kind, count(kind)] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}${kind === 'upgraded' && majors.length > 0 ? ` (${majors.length} major)` : ''}`);
  const named = majors.slice(0, 5).map((c) => `${c.name} ${arrow(c.from, c.to)}`);
  const more = majors.length > 5 ? `, and ${majors.length - 5} more` : '';
  const noun = transitive.length === 1 ? 'transitive package' : 'transitive packages';
  return `${transitive.length} ${noun} changed: ${parts.join(', ')}${named.length > 0 ? `; majors: ${named.join(', ')}${more}` : ''}`;
}

/** The lines an explanation shows: each direct change, then the transitive ones summed up. */
export function dependencyLines(changes: readonly PackageChange[]): string[] {
  const lines = changes.filter((c) => c.direct).map(describeChange);
  const transitive = summarizeTransitive(changes);
  return transitive ? [...lines, transitive] : lines;
}
