/**
 * The risk prior, scored: how likely a commit is to break a deployment, from what it changes in
 * the build context. Deployments break where deployment is described: the Dockerfile's CMD,
 * ENTRYPOINT, USER, packages and directories; the scripts the image runs at start; dependency
 * manifests and lock files; server and process configs. Application sources weigh less, docs and
 * assets least. A commit whose changes mention what the bad end's output names (a path, a command,
 * a module, a port, a variable), or that changes a package the output names (`webdav` of
 * `node_modules/webdav/…`, PyYAML of `No module named 'yaml'`), weighs three times as much. Pure.
 */
import { isNamedPackage, type NamedModule } from '../../explain/deps/module-package.js';
import type { PackageChange } from '../../explain/deps/types.js';
import type { Finding, FindingKind } from '../../explain/finding.js';

export interface PriorScore {
  weight: number;
  /** Why, most telling first: `CMD changed`, `start script start.sh`, `matches the bad end's output: /app/logs`. */
  reasons: string[];
}

const FINDING_SCORES: Partial<Record<FindingKind, number>> = {
  cmd: 6,
  entrypoint: 6,
  user: 5,
  'package-removed': 5,
  'directory-no-longer-created': 5,
  'copy-removed': 4,
  'base-image': 4,
  workdir: 4,
  healthcheck: 4,
  expose: 3,
  env: 3,
  'run-removed': 3,
  // One RUN whose chain changed (a command gained or lost): as a RUN removed, more than one added.
  'run-changed': 3,
  'stage-removed': 3,
  'target-stage': 3,
  'copy-source-changed': 2.5,
  'copy-added': 2,
  'package-added': 2,
  'run-added': 2,
  useradd: 2,
  'stage-added': 2,
  volume: 1.5,
  arg: 1.5,
  'directory-created': 1,
};

/** [pattern on a path, score, what it is] — the first that matches a path scores it. */
const PATH_CLASSES: ReadonlyArray<[RegExp, number, string]> = [
  [
    /\.(md|rst|adoc|png|jpe?g|gif|svg|ico|css|scss|woff2?|ttf|map)$|(^|\/)(docs?|test|tests|spec|__tests__)\//i,
    0.3,
    'docs, assets or tests',
  ],
  [/(^|\/)(docker-)?entrypoint[^/]*$|(^|\/)(start|run|boot|launch|init|serve)[^/]*\.(sh|bash)$|\.sh$/i, 4, 'start script'],
  [
    /(^|\/)(supervisord?|nginx|httpd|apache2?|gunicorn|uwsgi|haproxy|Procfile|s6-overlay|crontab)([^/]*)$|\.(conf|ini|cfg|service)$/i,
    3,
    'server or process config',
  ],
  [
    /(^|\/)(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|Pipfile(\.lock)?|pyproject\.toml|poetry\.lock|go\.(mod|sum)|Gemfile(\.lock)?|Cargo\.(toml|lock)|composer\.(json|lock)|pom\.xml|build\.gradle(\.kts)?|mix\.(exs|lock))$/,
    3,
    'dependency manifest',
  ],
  [/(^|\/)\.dockerignore$|\.dockerignore$/, 3, '.dockerignore'],
  [/(^|\/)\.env[^/]*$|\.(ya?ml|toml|properties)$/i, 2, 'config file'],
];

/** A package the bad end's output names, changed: as telling as an apt package the Dockerfile removed. */
const NAMED_PACKAGE_SCORE = 5;

/** Application source and anything else. */
const OTHER_SCORE = 1;

export interface CommitChanges {
  /** Paths changed in the build context (relative to the repository). */
  paths: readonly string[];
  /** The Dockerfile's path, when the commit changes it. */
  dockerfile?: string;
  /** What changed in the Dockerfile (diffDockerfiles), when it changed. */
  findings: readonly Finding[];
  /** Package changes the commit makes (at least those of the packages the bad end's output names). */
  packages?: readonly PackageChange[];
}

const VERB: Record<PackageChange['kind'], string> = {
  upgraded: 'bumps',
  downgraded: 'downgrades',
  added: 'adds',
  removed: 'removes',
  moved: 'moves',
  changed: 'changes',
};

/** `bumps webdav 4.11.2 → 5.2.2`, `removes @sveltejs/kit 2.5.0`, `moves typescript to dev dependencies`. */
function packageMove(c: PackageChange): string {
  if (c.kind === 'added') return `adds ${c.name} ${c.to ?? ''}`.trimEnd();
  if (c.kind === 'removed') return `removes ${c.name} ${c.from ?? ''}`.trimEnd();
  if (c.kind === 'moved') return `moves ${c.name} to ${c.scope} dependencies`;
  return `${VERB[c.kind]} ${c.name} ${c.from ?? '(none)'} → ${c.to ?? '(none)'}`;
}

/** Tokens the bad end's output names: paths (and their directories), missing commands and modules, ports, variables. */
export function evidenceTokens(lines: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const line of lines) {
    for (const m of line.matchAll(/(?:^|[\s'"(=:])(\/(?:[\w.@-]+\/)*[\w.@-]+)/g)) {
      const parts = m[1]!.split('/').filter(Boolean);
      for (let i = parts.length; i >= 2; i--) tokens.add(`/${parts.slice(0, i).join('/')}`);
    }
    for (const m of line.matchAll(
      /([\w.+-]+): (?:command )?not found|command not found: ([\w.+-]+)|exec: "?([\w./+-]+)"?: executable file not found/g,
    )) {
      const word = (m[1] ?? m[2] ?? m[3])!.split('/').pop()!;
      if (!/^(sh|bash|line|\d+)$/.test(word)) tokens.add(word);
    }
    for (const m of line.matchAll(
      /No module named '([\w.-]+)'|Cannot find module '([^']+)'|cannot find package "([^"]+)"|LoadError: cannot load such file -- (\S+)/g,
    )) {
      tokens.add((m[1] ?? m[2] ?? m[3] ?? m[4])!.split(/[./]/)[0]!);
    }
    for (const m of line.matchAll(/(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::\]):(\d{2,5})\b/g)) tokens.add(m[1]!);
    for (const m of line.matchAll(/KeyError: '([A-Z][A-Z0-9_]+)'|\b([A-Z][A-Z0-9_]{2,}) (?:is not set|is required|must be set)/g))
      tokens.add((m[1] ?? m[2])!);
  }
  return [...tokens];
}

/** The risk of one commit, from its changes, the bad end's evidence tokens and the modules its output names. */
export function scoreCommit(changes: CommitChanges, tokens: readonly string[], modules: readonly NamedModule[] = []): PriorScore {
  const scored: Array<[number, string]> = [];
  const named = (changes.packages ?? []).filter((c) => c.ecosystem !== 'runtime' && isNamedPackage(modules, c.ecosystem, c.name, c.kind));
  const namedReason = named.length > 0 ? `${packageMove(named[0]!)}, which the bad end's output names` : undefined;
  for (const c of named) scored.push([NAMED_PACKAGE_SCORE, packageMove(c)]);
  for (const f of changes.findings) {
    const score = FINDING_SCORES[f.kind];
    if (score !== undefined) scored.push([score, f.summary.replace(/ \((stage|line)[^)]*\)$/, '')]);
  }
  for (const path of changes.paths) {
    if (path === changes.dockerfile) {
      if (changes.findings.length === 0) scored.push([1.5, 'Dockerfile edited']);
      continue;
    }
    const known = PATH_CLASSES.find(([pattern]) => pattern.test(path));
    scored.push(known ? [known[1], `${known[2]} ${path}`] : [OTHER_SCORE, `source ${path}`]);
  }
  scored.sort((a, b) => b[0] - a[0]);
  // The most telling change counts fully, the others a quarter each (a big commit is riskier, not proportionally).
  let weight = scored.length === 0 ? 0.3 : scored[0]![0] + 0.25 * scored.slice(1, 12).reduce((sum, [s]) => sum + s, 0);
  const reasons = dedupe(scored.map(([, why]) => why)).slice(0, 3);
  const hit = namedReason === undefined ? matchEvidence(changes, tokens) : undefined;
  if (namedReason !== undefined || hit !== undefined) weight *= 3;
  if (namedReason !== undefined) return { weight, reasons: dedupe([namedReason, ...reasons.filter((r) => !namedReason.startsWith(r))]) };
  if (hit !== undefined) reasons.unshift(`matches the bad end's output: ${hit}`);
  return { weight, reasons };
}

/** The first evidence token a commit's changes mention, if any. */
function matchEvidence(changes: CommitChanges, tokens: readonly string[]): string | undefined {
  const texts = [
    ...changes.findings.flatMap((f) => [f.summary, f.before ?? '', f.after ?? '', f.path ?? '']),
    ...changes.paths.map((p) => `/${p}`),
  ];
  return tokens.find((token) =>
    /^\d+$/.test(token)
      ? changes.findings.some((f) => new RegExp(`\\b${token}\\b`).test(`${f.before ?? ''} ${f.after ?? ''}`))
      : texts.some((text) => containsToken(text, token)),
  );
}

function containsToken(text: string, token: string): boolean {
  if (token.startsWith('/'))
    return text.includes(token) || (token.split('/').length > 2 && text.includes(token.slice(token.indexOf('/', 1))));
  // The word test only where the token is written at all (most texts: no regular expression made).
  return text.includes(token) && new RegExp(`(^|[^\\w.-])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(text);
}

function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)];
}
