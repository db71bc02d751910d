/**
 * One Kubernetes container spec (shared by Kubernetes workloads and Cloud Run services): its command and
 * args with Kubernetes' precedence, its environment (`env` wins over `envFrom`; ConfigMaps found among the
 * manifests are resolved, Secrets and field references are left to the user), and its probes.
 */
import type { EnvEntry, HealthCheck, RunSpec } from '../contract.js';
import { literalEnv, mergeEnv, unresolvedEnv } from '../env.js';
import { check, CODES_200_TO_399, SECOND } from '../health-defaults.js';
import type { Node } from '../source/node.js';
import { invalid, keyPathText } from '../source/problem.js';

/** ConfigMaps of the manifests read: name → data. */
export type ConfigMaps = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * `command` replaces ENTRYPOINT and, alone, drops CMD; `args` replaces CMD. `$(VAR)` is expanded from the
 * container's literal environment (`$$` is a `$`), as the kubelet does; an unknown name stays as written.
 */
export function containerRun(container: Node, env: readonly EnvEntry[]): RunSpec {
  const values = new Map(env.filter((e) => e.kind === 'literal' || e.kind === 'platform').map((e) => [e.key, e.value ?? '']));
  const expand = (words: string[]) =>
    words.map((w) =>
      w.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name?: string) => (name === undefined ? '$' : (values.get(name) ?? all))),
    );
  const command = container.at('command').optStrings();
  const args = container.at('args').optStrings();
  const workingDir = container.at('workingDir').optString();
  const user = securityUser(container.at('securityContext'));
  const from = [...(command ? ['command'] : []), ...(args ? ['args'] : [])];
  return {
    ...(command ? { entrypoint: { form: 'exec' as const, argv: expand(command) } } : {}),
    ...(args ? { cmd: { form: 'exec' as const, argv: expand(args) } } : command ? { cmd: 'clear' as const } : {}),
    ...(workingDir !== undefined ? { workingDir } : {}),
    ...(user !== undefined ? { user } : {}),
    from: [...from, ...(workingDir !== undefined ? ['workingDir'] : []), ...(user !== undefined ? ['securityContext.runAsUser'] : [])],
  };
}

function securityUser(context: Node): string | undefined {
  const uid = context.at('runAsUser').optInteger(0);
  if (uid === undefined) return undefined;
  const gid = context.at('runAsGroup').optInteger(0);
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}

/** `envFrom` (later sources win), then `env` over it. */
export function containerEnv(container: Node, configMaps: ConfigMaps): EnvEntry[] {
  const fromSources = container
    .at('envFrom')
    .items()
    .map((source) => envFromSource(source, configMaps));
  const direct = container
    .at('env')
    .items()
    .map((item) => envVar(item, configMaps));
  return mergeEnv(...fromSources, direct);
}

function envFromSource(source: Node, configMaps: ConfigMaps): EnvEntry[] {
  const prefix = source.at('prefix').optString() ?? '';
  const from = keyPathText(source.path);
  const configMap = source.at('configMapRef').at('name').optString();
  if (configMap !== undefined) {
    const data = configMaps.get(configMap);
    if (data) return [...data].map(([key, value]) => literalEnv(`${prefix}${key}`, value, `${from} (ConfigMap ${configMap})`));
    return [
      {
        key: `${prefix}*`,
        kind: 'unresolved',
        secret: false,
        from,
        unresolved: { reason: `every key of ConfigMap ${configMap} (not among the manifests read)`, supply: '--env-file <file>' },
      },
    ];
  }
  const secret = source.at('secretRef').at('name').optString() ?? '?';
  return [
    {
      key: `${prefix}*`,
      kind: 'unresolved',
      secret: true,
      from,
      unresolved: { reason: `every key of Secret ${secret}`, supply: '--env-file <file>' },
    },
  ];
}

function envVar(item: Node, configMaps: ConfigMaps): EnvEntry {
  const key = item.at('name').string();
  const from = keyPathText(item.path);
  const value = item.at('value').optScalar();
  const ref = item.at('valueFrom');
  if (!ref.present) return literalEnv(key, value ?? '', from);
  const configMap = ref.at('configMapKeyRef');
  if (configMap.present) {
    const name = configMap.at('name').optString() ?? '?';
    const field = configMap.at('key').string();
    const found = configMaps.get(name)?.get(field);
    return found !== undefined
      ? literalEnv(key, found, `${from} (ConfigMap ${name})`)
      : unresolvedEnv(key, `ConfigMap ${name} key ${field}`, from, false);
  }
  const secret = ref.at('secretKeyRef');
  if (secret.present)
    return unresolvedEnv(key, `Secret ${secret.at('name').optString() ?? '?'} key ${secret.at('key').optString() ?? '?'}`, from, true);
  const field = ref.at('fieldRef').at('fieldPath').optString() ?? ref.at('resourceFieldRef').at('resource').optString() ?? '?';
  return unresolvedEnv(key, `set by Kubernetes from ${field}`, from, false);
}

/** The container's ports by name, for probes that name theirs. */
function namedPorts(container: Node): Map<string, number> {
  return new Map(
    container
      .at('ports')
      .items()
      .filter((p) => p.at('name').present)
      .map((p) => [p.at('name').string(), p.at('containerPort').optInteger(1, 65535) ?? 0]),
  );
}

/** A probe's port: a number, a name of the container's ports, or a number written as text; else invalid. */
export function probePort(port: Node, container: Node): number {
  if (typeof port.value === 'number') return port.optInteger(1, 65535)!;
  const text = port.string();
  const named = namedPorts(container).get(text);
  if (named) return named;
  if (/^\d+$/.test(text)) return port.optInteger(1, 65535)!;
  throw invalid(port.path, `names port '${text}', which the container does not declare`);
}

/**
 * A probe as a check: httpGet (200–399, redirects followed as the kubelet follows them), tcpSocket, exec
 * (no shell) or grpc; defaults period 10 s, timeout 1 s, success 1, failure 3, initial delay 0.
 */
export function probeCheck(probe: Node, container: Node, deadlineMs: number, deadlineKey: string | undefined): HealthCheck {
  const defaults: string[] = deadlineKey === undefined ? ['deadlineMs'] : [];
  const int = (key: string, fallback: number, name: string, min: number): number => {
    const value = probe.at(key).optInteger(min);
    if (value === undefined) defaults.push(name);
    return value ?? fallback;
  };
  const timing = {
    graceMs: int('initialDelaySeconds', 0, 'graceMs', 0) * SECOND,
    intervalMs: int('periodSeconds', 10, 'intervalMs', 1) * SECOND,
    timeoutMs: int('timeoutSeconds', 1, 'timeoutMs', 1) * SECOND,
    successThreshold: int('successThreshold', 1, 'successThreshold', 1),
    failureThreshold: int('failureThreshold', 3, 'failureThreshold', 1),
    deadlineMs,
  };
  const from = { keys: [keyPathText(probe.path), ...(deadlineKey ? [deadlineKey] : [])], defaults };
  const http = probe.at('httpGet');
  if (http.present) return httpProbe(http, container, timing, from);
  if (probe.at('tcpSocket').present) return check('tcp', { port: probePort(probe.at('tcpSocket').at('port'), container), ...timing, from });
  if (probe.at('exec').present) return check('exec', { command: probe.at('exec').at('command').optStrings() ?? [], ...timing, from });
  const grpc = probe.at('grpc');
  if (grpc.present) {
    const service = grpc.at('service').optString();
    return check('grpc', {
      port: grpc.at('port').optInteger(1, 65535) ?? 0,
      ...(service !== undefined ? { grpcService: service } : {}),
      ...timing,
      from,
    });
  }
  throw invalid(probe.path, 'needs httpGet, tcpSocket, exec or grpc');
}

function httpProbe(http: Node, container: Node, timing: Partial<HealthCheck>, from: HealthCheck['from']): HealthCheck {
  const scheme = (http.at('scheme').optString() ?? 'HTTP').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') throw invalid(http.at('scheme').path, `must be HTTP or HTTPS, not ${scheme}`);
  if (!http.at('path').present) from.defaults.push('path');
  return check('http', {
    path: http.at('path').optString() ?? '/',
    port: probePort(http.at('port'), container),
    scheme,
    method: 'GET',
    headers: http
      .at('httpHeaders')
      .items()
      .map((h) => ({ name: h.at('name').string(), value: h.at('value').optScalar() ?? '' })),
    successCodes: CODES_200_TO_399,
    followRedirects: true,
    ...timing,
    from: { keys: from.keys, defaults: [...from.defaults, 'successCodes'] },
  });
}
