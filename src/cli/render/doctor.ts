/** `deploybisect doctor`'s text: one line per check (✔, ! or ✖), with what to do after a failing one. */
import { mebibytes } from '../../docker/disk-space.js';
import type { DoctorReport } from '../../session/doctor/doctor.js';
import type { EngineCheck } from '../../session/doctor/engine-check.js';
import type { Style } from './color.js';

type Paint = (style: Style, text: string) => string;

export function renderDoctor(r: DoctorReport, paint: Paint): string {
  const ok = (text: string) => `${paint('green', '✔')} ${text}`;
  const bad = (text: string) => `${paint('red', '✖')} ${text}`;
  const warn = (text: string) => `${paint('yellow', '!')} ${text}`;
  const lines: string[] = [];
  lines.push(r.node.ok ? ok(`node ${r.node.version}`) : bad(`node ${r.node.version}: ${r.problems.find((p) => p.startsWith('Node.js'))}`));
  lines.push(r.git.ok ? ok(`git ${r.git.version}`) : bad(r.problems.find((p) => p.startsWith('git')) ?? 'git: not found'));
  for (const e of r.engines) lines.push(...engineLines(e, r.problems, { ok, bad, warn }));
  const cache = r.cacheDir;
  const cacheWarning = r.warnings.find((w) => w.includes(`cache directory ${cache.path}`));
  const free = cache.freeBytes !== undefined ? `, ${mebibytes(cache.freeBytes)} free` : '';
  lines.push(cacheWarning ? warn(cacheWarning) : ok(`cache directory ${cache.path}: writable${free}`));
  const config = r.config;
  if (!config.found) lines.push(ok('config file: none (optional; `deploybisect init` writes a starter one)'));
  else if (config.valid) lines.push(ok(`config file: ${config.path}, valid`));
  else lines.push(bad(`config file: ${config.error?.replace(/\ndeploybisect: /g, '; ')}: fix it, or pass --no-config to a run`));
  if (r.manifests.length === 0) lines.push(ok('platform manifests: none in HEAD (commits are deployed as the options say)'));
  for (const m of r.manifests) lines.push(ok(`${m.used ? 'deploys by' : 'also found'} ${m.path} (${m.platform}): ${m.says}`));
  const count = r.problems.length;
  lines.push(
    count === 0
      ? `deploybisect doctor: a search can run${r.warnings.length > 0 ? ` (${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''})` : ''}`
      : `deploybisect doctor: ${count} problem${count > 1 ? 's' : ''}: a search cannot run until ${count > 1 ? 'they are' : 'it is'} fixed`,
  );
  return lines.join('\n');
}

function engineLines(e: EngineCheck, problems: readonly string[], mark: Record<'ok' | 'bad' | 'warn', (text: string) => string>): string[] {
  if (!e.reachable) return [mark.bad(`engine ${e.endpoint}: ${problems.find((p) => p.startsWith(e.error ?? '')) ?? e.error}`)];
  const kind = e.podman ? 'Podman' : 'Docker';
  const builder = e.buildkit ? 'BuildKit' : e.podman ? 'classic builder (buildah)' : 'classic builder (no BuildKit)';
  const memory = e.memoryLimit === false ? 'memory limits do NOT work' : 'memory limits work';
  const lines = [
    mark.ok(`engine ${e.endpoint}: ${kind} ${e.version ?? '?'} (API ${e.apiVersion ?? '?'}), ${e.os ?? '?'}/${e.arch ?? '?'}, ${builder}`),
    (e.memoryLimit === false ? mark.warn : mark.ok)(
      `  ${memory}${e.memoryLimit === false ? ': --memory has no effect on this engine (its cgroups lack the memory controller)' : ''}`,
    ),
    mark.ok(`  networks: ${e.networks.join(', ') || 'none listed'}`),
  ];
  if (e.network)
    lines.push(
      (e.network.problem ? mark.bad : mark.ok)(`  network ${e.network.why}${e.network.problem ? `; but ${e.network.problem}` : ''}`),
    );
  return lines;
}
