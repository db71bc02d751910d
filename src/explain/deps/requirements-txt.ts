/**
 * requirements*.txt as pip reads it: one requirement a line, `\` continues a line, ` #` starts a
 * comment, `-r`/`--requirement <file>` includes another file (read by the caller, relative to this
 * one), options (`--hash`, `-i`, `-c` constraints, `-e` editables) are not packages. A file whose name
 * says dev, test, lint or docs holds dev dependencies.
 */
import { normalizePythonName, parseRequirement } from './pep508.js';
import type { DeclaredPackage, DependencySnapshot } from './types.js';

const DEV_FILE = /(?:^|[/_.-])(?:dev|develop|development|test|tests|testing|lint|docs|ci)(?:[/_.-]|$)/i;

export function readRequirementsTxt(text: string, path: string): DependencySnapshot {
  const scope = DEV_FILE.test(path.split('/').pop() ?? '') ? 'dev' : 'production';
  const packages: DeclaredPackage[] = [];
  const includes: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const start = i;
    let line = lines[i]!.replace(/\r$/, '');
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.replace(/\r$/, '')}`;
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)?(\S+)/.exec(line);
    if (include?.[1]) {
      includes.push(include[1]);
      continue;
    }
    if (line.startsWith('-')) continue;
    const requirement = parseRequirement(line.replace(/\s--\S+.*$/, ''));
    if (!requirement) continue;
    packages.push({ name: normalizePythonName(requirement.name), version: requirement.specifier, scope, direct: true, line: start + 1 });
  }
  return { ecosystem: 'python', path, role: 'manifest', packages, runtimes: [], includes };
}
