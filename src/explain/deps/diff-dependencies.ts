/**
 * The package changes between two commits from the snapshots of their dependency files: files are
 * grouped by ecosystem and directory (a manifest with its lock), a package's version is the lock's
 * where a lock says, else the version an exact pin names (`Werkzeug==3.0.0`), else the manifest's
 * requirement; whether it is direct and dev comes from the manifest where it names the package. Pure.
 */
import type { ChangeKind, ChangeSource, DeclaredPackage, DependencySnapshot, PackageChange, Scope } from './types.js';
import { compareVersions, isMajorChange, lowestVersion, pinnedVersion } from './version.js';

interface Side {
  declared?: DeclaredPackage;
  locked?: DeclaredPackage;
  lines: Map<string, number>;
}

type View = Map<string, Side>;

const directoryOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');
/** A requirements/ folder belongs with the project beside it (its pyproject.toml, its lock). */
const groupDirectory = (path: string) => directoryOf(path).replace(/(^|\/)requirements$/, '') || '.';
const groupKey = (s: DependencySnapshot) => `${s.ecosystem}\0${s.ecosystem === 'python' ? groupDirectory(s.path) : directoryOf(s.path)}`;

const ROLE_ORDER = { manifest: 0, lock: 1, runtime: 2 } as const;

function viewOf(snapshots: readonly DependencySnapshot[]): View {
  const view: View = new Map();
  // Manifests first: a change says where it is declared, then where it is locked.
  for (const snapshot of [...snapshots].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])) {
    for (const pkg of snapshot.packages) {
      const side = view.get(pkg.name) ?? { lines: new Map<string, number>() };
      if (pkg.line !== undefined) side.lines.set(snapshot.path, pkg.line);
      if (snapshot.role === 'lock') side.locked ??= pkg;
      else if (!side.declared || (side.declared.scope === 'dev' && pkg.scope === 'production')) side.declared = pkg;
      view.set(pkg.name, side);
    }
  }
  return view;
}

/** The lock's version, else the version an exact pin installs (`==2.3.7`), else the requirement as written. */
const versionOf = (side: Side | undefined) =>
  side?.locked?.version ?? (side?.declared ? (pinnedVersion(side.declared.version) ?? side.declared.version) : undefined);
const scopeOf = (side: Side): Scope => side.declared?.scope ?? side.locked?.scope ?? 'production';

function kindOf(before: Side | undefined, after: Side | undefined): ChangeKind | undefined {
  if (!before) return 'added';
  if (!after) return 'removed';
  const from = versionOf(before) ?? '';
  const to = versionOf(after) ?? '';
  if (from !== to) {
    const locked = before.locked && after.locked;
    const order = locked ? compareVersions(from, to) : compareVersions(lowestVersion(from) ?? '', lowestVersion(to) ?? '');
    return order < 0 ? 'upgraded' : order > 0 ? 'downgraded' : 'changed';
  }
  if (scopeOf(before) !== scopeOf(after)) return 'moved';
  if ((before.declared?.version ?? '') !== (after.declared?.version ?? '') && before.declared && after.declared) return 'changed';
  return undefined;
}

function sources(before: Side | undefined, after: Side | undefined): ChangeSource[] {
  const paths = [...new Set([...(after?.lines.keys() ?? []), ...(before?.lines.keys() ?? [])])];
  return paths.map((path) => {
    const lineBefore = before?.lines.get(path);
    const lineAfter = after?.lines.get(path);
    return { path, ...(lineBefore !== undefined ? { lineBefore } : {}), ...(lineAfter !== undefined ? { lineAfter } : {}) };
  });
}

function changeOf(
  ecosystem: PackageChange['ecosystem'],
  name: string,
  before: Side | undefined,
  after: Side | undefined,
): PackageChange | undefined {
  const kind = kindOf(before, after);
  if (!kind) return undefined;
  const now = after ?? before!;
  const from = versionOf(before);
  const to = versionOf(after);
  const declared =
    before?.declared || after?.declared
      ? { ...(before?.declared ? { from: before.declared.version } : {}), ...(after?.declared ? { to: after.declared.version } : {}) }
      : undefined;
  const enginesFrom = before?.locked?.engines;
  const enginesTo = after?.locked?.engines;
  const bins = after?.locked?.bins ?? before?.locked?.bins;
  return {
    ecosystem,
    name,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    kind,
    major: (kind === 'upgraded' || kind === 'downgraded') && isMajorChange(from, to, ecosystem === 'npm' || ecosystem === 'rust'),
    direct: Boolean(before?.declared?.direct || after?.declared?.direct || now.locked?.direct),
    scope: scopeOf(now),
    ...(kind === 'moved' && before ? { scopeBefore: scopeOf(before) } : {}),
    ...(declared ? { declared } : {}),
    ...(enginesFrom !== undefined || enginesTo !== undefined
      ? { engines: { ...(enginesFrom ? { from: enginesFrom } : {}), ...(enginesTo ? { to: enginesTo } : {}) } }
      : {}),
    ...(bins ? { bins } : {}),
    sources: sources(before, after),
  };
}

/** Runtime pins that changed: one change per runtime and file (`.nvmrc` 18 → 20). */
function runtimeChanges(before: readonly DependencySnapshot[], after: readonly DependencySnapshot[]): PackageChange[] {
  const pins = (list: readonly DependencySnapshot[]) =>
    new Map(list.flatMap((s) => s.runtimes.map((r) => [`${r.runtime}\0${s.path}`, { ...r, path: s.path }] as const)));
  const b = pins(before);
  const a = pins(after);
  const changes: PackageChange[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const old = b.get(key);
    const now = a.get(key);
    if (old?.version === now?.version) continue;
    const pin = (now ?? old)!;
    const order = old && now ? compareVersions(lowestVersion(old.version) ?? '', lowestVersion(now.version) ?? '') : 0;
    const kind: ChangeKind = !old ? 'added' : !now ? 'removed' : order < 0 ? 'upgraded' : order > 0 ? 'downgraded' : 'changed';
    changes.push({
      ecosystem: 'runtime',
      name: pin.runtime,
      ...(old ? { from: old.version } : {}),
      ...(now ? { to: now.version } : {}),
      kind,
      major: isMajorChange(old?.version, now?.version),
      direct: true,
      scope: 'production',
      sources: [
        {
          path: pin.path,
          ...(old?.line !== undefined ? { lineBefore: old.line } : {}),
          ...(now?.line !== undefined ? { lineAfter: now.line } : {}),
        },
      ],
    });
  }
  return changes;
}

/** Every package change, direct ones first, then majors, then by name. */
export function diffDependencies(before: readonly DependencySnapshot[], after: readonly DependencySnapshot[]): PackageChange[] {
  const groups = new Map<string, { before: DependencySnapshot[]; after: DependencySnapshot[] }>();
  const put = (s: DependencySnapshot, side: 'before' | 'after') => {
    const group = groups.get(groupKey(s)) ?? { before: [], after: [] };
    group[side].push(s);
    groups.set(groupKey(s), group);
  };
  for (const s of before) put(s, 'before');
  for (const s of after) put(s, 'after');
  const changes: PackageChange[] = [];
  for (const group of groups.values()) {
    const b = viewOf(group.before);
    const a = viewOf(group.after);
    const ecosystem = (group.after[0] ?? group.before[0])!.ecosystem;
    for (const name of new Set([...b.keys(), ...a.keys()])) {
      const change = changeOf(ecosystem, name, b.get(name), a.get(name));
      if (change) changes.push(change);
    }
  }
  changes.push(...runtimeChanges(before, after));
  const rank = (c: PackageChange) => (c.direct ? 0 : 2) + (c.major ? 0 : 1);
  return changes.sort((x, y) => rank(x) - rank(y) || x.name.localeCompare(y.name));
}
