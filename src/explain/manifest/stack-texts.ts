/**
 * A compose service's values in words, as the stack findings show them (stack-diff.ts): the image,
 * the build, the command, each environment variable (secret values masked), each dependency, the
 * healthcheck and the ports. Texts compare equal exactly when what compose does with them is the same.
 * Pure.
 */
import type {
  CommandValue,
  ComposeBuild,
  ComposeHealthcheck,
  Dependency,
  EnvironmentValue,
  PathRef,
  PortMapping,
} from '../../contract/compose/model.js';
import { SECRET_NAME } from '../../contract/env.js';
import { formatDuration } from '../../duration.js';

/** `backend`, `(the repository root)`, `/srv/app (a host path)`, `https://… (a URL)`. */
export function pathText(ref: PathRef): string {
  if (ref.kind === 'repository') return ref.path === '' ? '(the repository root)' : ref.path;
  return ref.kind === 'host' ? `${ref.path} (a host path)` : `${ref.url} (a URL)`;
}

/** `command:` / `entrypoint:` as written: a list as JSON, a string as it is; null is the image's. */
export function commandValueText(value: CommandValue): string | undefined {
  if (value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A password in a URL (`postgres://app:pw@db/app`) is masked wherever a value is shown. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/gi;

/**
 * `KEY=value`; `KEY=***` for a key that looks like a secret or a value the pinned environment gave (it is
 * not in the repository); `KEY (set nowhere)` for a bare key nothing sets.
 */
export function envValueText(key: string, entry: EnvironmentValue): string {
  if (entry.value === null) return `${key} (set nowhere)`;
  if (SECRET_NAME.test(key) || entry.source.kind === 'pinned') return `${key}=***`;
  return `${key}=${entry.value.replace(URL_PASSWORD, '$1***@')}`;
}

/** A build argument as the findings show it (secret-looking names masked). */
export function buildArgText(key: string, value: string | null): string {
  if (value === null) return `${key} (from the ARG's default)`;
  return SECRET_NAME.test(key) ? `${key}=***` : `${key}=${value.replace(URL_PASSWORD, '$1***@')}`;
}

/** `db: service_healthy`, `(required: false)` when compose goes on without it. */
export function dependencyText(service: string, dependency: Dependency): string {
  const from = dependency.from === 'depends_on' ? '' : ` (from ${dependency.from})`;
  return `${service}: ${dependency.condition}${dependency.required ? '' : ' (required: false)'}${from}`;
}

/** The service and condition of a dependency text. */
export function parseDependencyText(text: string | undefined): { service: string; condition: string } | undefined {
  const match = /^(\S+): (\S+)/.exec(text ?? '');
  return match ? { service: match[1]!, condition: match[2]! } : undefined;
}

/** `CMD-SHELL pg_isready -U app (interval 5s, timeout 5s, retries 5)`; `disabled`; null (the file says nothing) is undefined. */
export function healthcheckText(check: ComposeHealthcheck | null): string | undefined {
  if (check === null) return undefined;
  if (check.kind === 'disabled') return `disabled (${check.by === 'NONE' ? 'test: NONE' : 'disable: true'})`;
  const test =
    check.test === null
      ? "the image's HEALTHCHECK command"
      : check.test.kind === 'CMD'
        ? `CMD ${JSON.stringify(check.test.argv)}`
        : `CMD-SHELL ${check.test.command}`;
  const timing = [
    `interval ${formatDuration(check.intervalMs)}`,
    `timeout ${formatDuration(check.timeoutMs)}`,
    `retries ${check.retries}`,
    ...(check.startPeriodMs > 0 ? [`start_period ${formatDuration(check.startPeriodMs)}`] : []),
  ];
  return `${test} (${timing.join(', ')})`;
}

/** Whether a healthcheck text says the service has none (removed, or disabled). */
export const noHealthcheck = (text: string | undefined): boolean => text === undefined || text.startsWith('disabled');

/** `127.0.0.1:8080:80/udp` as compose's short syntax would write it; tcp and every address left out. */
export function portText(port: PortMapping): string {
  const host = port.published === null ? '' : `${port.hostIp !== null ? `${port.hostIp}:` : ''}${port.published}:`;
  return `${host}${port.target}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}

/** The container ports a ports or expose text names (`8080:80, 5432` → 80 and 5432; ranges by their ends). */
export function containerPorts(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const item of (text ?? '').split(', ').filter(Boolean)) {
    const target =
      item
        .replace(/\/\w+$/, '')
        .split(':')
        .pop() ?? '';
    const range = /^(\d+)(?:-(\d+))?$/.exec(target);
    if (!range) continue;
    const [start, end] = [Number(range[1]), Number(range[2] ?? range[1])];
    for (let port = start; port <= Math.min(end, start + 100); port++) out.add(port);
  }
  return out;
}

/** A build in words, for a service added or a build replacing an image: `backend (Dockerfile backend/Dockerfile, target builder)`. */
export function buildText(build: ComposeBuild): string {
  const dockerfile = build.dockerfilePath ? pathText(build.dockerfilePath) : 'an inline Dockerfile';
  return `${pathText(build.context)} (Dockerfile ${dockerfile}${build.target !== null ? `, target ${build.target}` : ''})`;
}
