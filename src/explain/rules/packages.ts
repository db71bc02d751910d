/**
 * Packages installed by the RUN instructions of a stage, old versus new.
 *
 * Packages are compared by manager and name. A changed version pin is ONE finding of kind
 * `package-added` carrying `before` and `after` (the old and new pins), not a removed+added pair:
 * the package is still there, in another version, and that is what the summary says.
 */
import { extractPackages, type InstalledPackage } from '../dockerfile/install-commands.js';
import { instructionsOf, type DockerStage } from '../dockerfile/model.js';
import { runScript } from '../dockerfile/run-script.js';
import type { Finding, PackageRef } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

interface PackageUse {
  pkg: InstalledPackage;
  line: number;
}

function packagesOfStage(stage: DockerStage): Map<string, PackageUse> {
  const packages = new Map<string, PackageUse>();
  for (const run of instructionsOf(stage, 'RUN')) {
    for (const pkg of extractPackages(runScript(run))) {
      const key = `${pkg.manager}\0${pkg.name}\0${pkg.requirementsFile === true ? 'file' : ''}`;
      if (!packages.has(key)) packages.set(key, { pkg, line: run.line });
    }
  }
  return packages;
}

function describe(pkg: InstalledPackage): string {
  return pkg.requirementsFile === true ? `pip requirements file ${pkg.name}` : `${pkg.manager} package ${pkg.name}`;
}

function pinned(pkg: InstalledPackage): string {
  return pkg.version === undefined ? pkg.name : `${pkg.name} ${pkg.version}`;
}

function packageRef(pkg: InstalledPackage): Finding['package'] {
  return pkg.requirementsFile === true
    ? { manager: pkg.manager, name: pkg.name, requirementsFile: true }
    : { manager: pkg.manager, name: pkg.name };
}

/** The finding's `package`, where the installed thing is one a manager names. */
function packageOf(pkg: InstalledPackage): { package?: PackageRef } {
  const ref = packageRef(pkg);
  return ref ? { package: ref } : {};
}

export const diffPackages: DiffRule = (pair) => {
  const before = packagesOfStage(pair.before);
  const after = packagesOfStage(pair.after);
  const findings: Finding[] = [];
  const note = (pkg: InstalledPackage): string => (pkg.requirementsFile === true ? '; the packages it lists are not compared here' : '');
  for (const [key, old] of before) {
    const now = after.get(key);
    if (now === undefined) {
      findings.push({
        kind: 'package-removed',
        stage: pair.label,
        instruction: 'RUN',
        before: pinned(old.pkg),
        lineBefore: old.line,
        ...packageOf(old.pkg),
        summary: `${describe(old.pkg)} is no longer installed ${where(pair.label, old.line, undefined)}${note(old.pkg)}`,
      });
    } else if (old.pkg.version !== now.pkg.version) {
      findings.push({
        kind: 'package-added',
        stage: pair.label,
        instruction: 'RUN',
        before: pinned(old.pkg),
        after: pinned(now.pkg),
        lineBefore: old.line,
        lineAfter: now.line,
        ...packageOf(now.pkg),
        summary: `${describe(now.pkg)} version changed: ${old.pkg.version ?? 'unpinned'} → ${now.pkg.version ?? 'unpinned'} ${where(pair.label, old.line, now.line)}`,
      });
    }
  }
  for (const [key, now] of after) {
    if (before.has(key)) continue;
    findings.push({
      kind: 'package-added',
      stage: pair.label,
      instruction: 'RUN',
      after: pinned(now.pkg),
      lineAfter: now.line,
      ...packageOf(now.pkg),
      summary: `${describe(now.pkg)} is now installed ${where(pair.label, undefined, now.line)}${note(now.pkg)}`,
    });
  }
  return findings;
};
