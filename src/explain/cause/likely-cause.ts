import type { Finding } from '../finding.js';
import { findClues, type Clue } from './evidence-clues.js';

/** A finding that the failing commit's own output points at. */
export interface LikelyCause {
  /** One line: the evidence and the change that explains it. */
  summary: string;
  /** The line of output (or probe evidence) that names what was missing. */
  evidence: string;
  finding: Finding;
}

/** Commands whose package has another name (the common cases; otherwise names are compared directly). */
const PACKAGE_OF_COMMAND: Record<string, string[]> = {
  supervisord: ['supervisor'],
  supervisorctl: ['supervisor'],
  python: ['python3', 'python', 'python-is-python3'],
  python3: ['python3'],
  pip: ['python3-pip', 'py3-pip', 'pip'],
  pip3: ['python3-pip', 'py3-pip'],
  node: ['nodejs'],
  npm: ['npm', 'nodejs'],
  psql: ['postgresql-client'],
  pg_isready: ['postgresql-client'],
  'redis-server': ['redis-server', 'redis'],
  'redis-cli': ['redis-tools', 'redis'],
  java: ['default-jre', 'default-jre-headless', 'openjdk-17-jre', 'openjdk-17-jre-headless'],
  convert: ['imagemagick'],
  dig: ['dnsutils', 'bind-tools'],
  nc: ['netcat-openbsd', 'netcat-traditional', 'netcat'],
  ps: ['procps'],
  envsubst: ['gettext-base', 'gettext'],
};

const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function commandNeeds(command: string, packageName: string): boolean {
  const base = command.split('/').pop() ?? command;
  const pkg = packageName.toLowerCase();
  if (PACKAGE_OF_COMMAND[base]?.includes(pkg)) return true;
  return base === pkg;
}

function within(path: string, dir: string): boolean {
  const d = dir.replace(/\/+$/, '') || '/';
  return path === d || path.startsWith(d === '/' ? '/' : `${d}/`);
}

const where = (f: Finding) =>
  f.lineAfter !== undefined
    ? `, line ${f.lineAfter}`
    : f.lineBefore !== undefined
      ? `, line ${f.lineBefore} of the previous Dockerfile`
      : '';

function explains(clue: Clue, f: Finding): string | undefined {
  switch (clue.kind) {
    case 'missing-path':
      if (f.kind === 'directory-no-longer-created' && f.path && within(clue.path, f.path)) {
        return `this commit stopped creating ${f.path} (${f.instruction}${where(f)})`;
      }
      if (f.kind === 'copy-removed' && f.path && (within(clue.path, f.path) || clue.path === f.path)) {
        return `this commit no longer copies ${f.before ?? 'it'} to ${f.path} (${f.instruction}${where(f)})`;
      }
      return undefined;
    case 'missing-command':
      if (f.kind === 'package-removed' && f.package && commandNeeds(clue.command, f.package.name)) {
        return `this commit removed the ${f.package.manager} package ${f.package.name} (${f.instruction}${where(f)})`;
      }
      if (f.kind === 'copy-removed' && f.path && (f.path === clue.command || f.path.endsWith(`/${clue.command.split('/').pop()}`))) {
        return `this commit no longer copies ${f.path} into the image (${f.instruction}${where(f)})`;
      }
      return undefined;
    case 'missing-module':
      if (f.kind === 'package-removed' && f.package) {
        const ecosystemOk = clue.ecosystem === 'python' ? f.package.manager === 'pip' : ['npm', 'yarn', 'pnpm'].includes(f.package.manager);
        const top = clue.module.split(clue.ecosystem === 'python' ? '.' : '/')[0] ?? clue.module;
        const moduleName = clue.ecosystem === 'node' && clue.module.startsWith('@') ? clue.module.split('/').slice(0, 2).join('/') : top;
        if (ecosystemOk && normalise(moduleName) === normalise(f.package.name)) {
          return `this commit removed the ${f.package.manager} package ${f.package.name} (${f.instruction}${where(f)})`;
        }
      }
      return undefined;
  }
}

/**
 * Links the failing commit's evidence to the findings that explain it. Only links the evidence
 * supports: a missing path under a directory no longer created or where a file is no longer copied,
 * a command not found whose package was removed or whose file is no longer copied, a module whose
 * package was removed. Nothing else is claimed.
 */
export function findLikelyCauses(findings: readonly Finding[], evidenceLines: readonly string[]): LikelyCause[] {
  const causes: LikelyCause[] = [];
  // Latest first: the last error a process printed is usually the one that ended it.
  for (const clue of findClues(evidenceLines).reverse()) {
    for (const finding of findings) {
      const because = explains(clue, finding);
      if (!because) continue;
      if (causes.some((c) => c.finding === finding)) continue;
      causes.push({ summary: `The output says "${clue.line}", and ${because}.`, evidence: clue.line, finding });
    }
  }
  return causes;
}
