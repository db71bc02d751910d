/**
 * What changed in the deployment contract between two commits, as findings (stage '(manifest)', the
 * instruction being the manifest key): the platform or manifest, the build (Dockerfile path, context,
 * target, build arguments), the start command, the environment (secret values never shown), the port,
 * the health checks (path, port, codes, timing) and the pre-deploy command. Pure.
 */
import { commandText } from '../../contract/commands.js';
import type { DeploymentContract, EnvEntry } from '../../contract/contract.js';
import { SECRET_NAME } from '../../contract/env.js';
import type { Finding } from '../finding.js';
import { healthFindings } from './health-findings.js';
import { manifestFinding } from './manifest-finding.js';

/** The findings from `before` to `after`; either may be absent (a manifest added or removed). */
export function contractFindings(before: DeploymentContract | undefined, after: DeploymentContract | undefined): Finding[] {
  if (!before && !after) return [];
  if (!before || !after) {
    const c = (before ?? after)!;
    const what = `${c.platform} manifest ${c.manifest.path}`;
    return [
      manifestFinding(
        'manifest-platform',
        c.manifest.path,
        c.manifest.path,
        before ? what : undefined,
        after ? what : undefined,
        before ? `${what} was removed` : `${what} was added`,
      ),
    ];
  }
  const path = after.manifest.path;
  const findings: Finding[] = [];
  if (before.platform !== after.platform || before.manifest.path !== after.manifest.path) {
    const [was, now] = [`${before.platform} ${before.manifest.path}`, `${after.platform} ${after.manifest.path}`];
    findings.push(manifestFinding('manifest-platform', path, after.manifest.path, was, now, `the manifest changed: ${was} → ${now}`));
  }
  findings.push(...buildFindings(before, after), ...commandFindings(before, after), ...envFindings(before.env, after.env, path));
  if (before.port?.number !== after.port?.number) {
    const key = after.port?.from ?? before.port?.from ?? 'port';
    const [was, now] = [before.port ? String(before.port.number) : undefined, after.port ? String(after.port.number) : undefined];
    findings.push(
      manifestFinding('manifest-port', path, key, was, now, `${path}: the port changed: ${was ?? '(none)'} → ${now ?? '(none)'} (${key})`),
    );
  }
  findings.push(...healthFindings(before.health, after.health, path), ...preDeployFindings(before, after));
  return findings;
}

function buildFindings(before: DeploymentContract, after: DeploymentContract): Finding[] {
  const path = after.manifest.path;
  const out: Finding[] = [];
  const field = (name: string, key: string, was: string | undefined, now: string | undefined) => {
    if (was !== now)
      out.push(manifestFinding('manifest-build', path, key, was, now, `${path}: ${name} ${was ?? '(none)'} → ${now ?? '(none)'} (${key})`));
  };
  field('the Dockerfile', after.build.from.dockerfile, before.build.dockerfile, after.build.dockerfile);
  field('the build context', after.build.from.context, before.build.context || '.', after.build.context || '.');
  field('the build target', 'target', before.build.target, after.build.target);
  field('the ignore file', 'ignorefile', before.build.ignoreFile, after.build.ignoreFile);
  const args = (c: DeploymentContract) => new Map(c.build.args.map((a) => [a.key, a.value ?? '(from the environment)']));
  const [was, now] = [args(before), args(after)];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    if (was.get(key) === now.get(key)) continue;
    const show = (v: string | undefined) => (v === undefined ? undefined : SECRET_NAME.test(key) ? `${key}=***` : `${key}=${v}`);
    field(`build argument ${key}`, `build argument ${key}`, show(was.get(key)), show(now.get(key)));
  }
  return out;
}

function commandFindings(before: DeploymentContract, after: DeploymentContract): Finding[] {
  const path = after.manifest.path;
  const key = [...new Set([...before.run.from, ...after.run.from])].join(', ') || 'command';
  const pairs: [string, string | undefined, string | undefined][] = [
    [
      'ENTRYPOINT',
      before.run.entrypoint ? commandText(before.run.entrypoint) : undefined,
      after.run.entrypoint ? commandText(after.run.entrypoint) : undefined,
    ],
    ['CMD', before.run.cmd ? commandText(before.run.cmd) : undefined, after.run.cmd ? commandText(after.run.cmd) : undefined],
    ['WORKDIR', before.run.workingDir, after.run.workingDir],
    ['USER', before.run.user, after.run.user],
  ];
  return pairs
    .filter(([, was, now]) => was !== now)
    .map(([what, was, now]) =>
      manifestFinding(
        'manifest-command',
        path,
        key,
        was,
        now,
        `${path}: the ${what} the platform runs changed: ${was ?? "(the image's)"} → ${now ?? "(the image's)"} (${key})`,
      ),
    );
}

/** An entry as people may see it: `KEY=value` for a literal that is not a secret, else `KEY (why)`. */
export function envText(entry: EnvEntry): string {
  if (entry.secret || SECRET_NAME.test(entry.key)) return `${entry.key}=*** (${entry.kind})`;
  if (entry.kind === 'literal' || entry.kind === 'platform') return `${entry.key}=${entry.value ?? ''}`;
  return `${entry.key} (${entry.unresolved?.reason ?? entry.kind})`;
}

function envFindings(before: readonly EnvEntry[], after: readonly EnvEntry[], path: string): Finding[] {
  const was = new Map(before.map((e) => [e.key, e]));
  const now = new Map(after.map((e) => [e.key, e]));
  const out: Finding[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const [a, b] = [was.get(key), now.get(key)];
    if (a && b && a.kind === b.kind && a.value === b.value && a.unresolved?.reason === b.unresolved?.reason) continue;
    const [x, y] = [a ? envText(a) : undefined, b ? envText(b) : undefined];
    const change = !a ? `${y} was added` : !b ? `${x} was removed` : x === y ? `${key} changed (a secret)` : `${x} → ${y}`;
    out.push(manifestFinding('manifest-env', path, (b ?? a)!.from, x, y, `${path}: ${change}`));
  }
  return out;
}

function preDeployFindings(before: DeploymentContract, after: DeploymentContract): Finding[] {
  const [was, now] = [
    before.preDeploy ? commandText(before.preDeploy.command) : undefined,
    after.preDeploy ? commandText(after.preDeploy.command) : undefined,
  ];
  if (was === now) return [];
  const key = after.preDeploy?.from ?? before.preDeploy?.from ?? 'pre-deploy command';
  return [
    manifestFinding(
      'manifest-pre-deploy',
      after.manifest.path,
      key,
      was,
      now,
      `${after.manifest.path}: the pre-deploy command changed: ${was ?? '(none)'} → ${now ?? '(none)'} (${key})`,
    ),
  ];
}
