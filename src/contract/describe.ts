/**
 * The contract in one line, for the run's first line, `test`, `doctor` and the report:
 * `deploying as Render would: PORT=10000, GET /healthz on 10000 (2xx/3xx, 5.0s), from render.yaml`.
 * Never a value of the environment other than the platform's PORT.
 */
import { formatDuration } from '../duration.js';
import type { DeploymentContract, HealthCheck, Platform } from './contract.js';
import { codesText } from './health-defaults.js';

export const PLATFORM_NAMES: Record<Platform, string> = {
  render: 'Render',
  fly: 'Fly.io',
  kubernetes: 'Kubernetes',
  railway: 'Railway',
  heroku: 'Heroku',
  digitalocean: 'DigitalOcean App Platform',
  cloudrun: 'Cloud Run',
  compose: 'Docker Compose',
};

export function describeContract(contract: DeploymentContract, options: { service?: boolean } = {}): string {
  const parts: string[] = [];
  if (contract.port) parts.push(contract.port.injectedAsPort ? `PORT=${contract.port.number}` : `port ${contract.port.number}`);
  parts.push(contract.health.length > 0 ? contract.health.map(checkText).join(' and ') : 'no health check (running is enough)');
  if (contract.preDeploy) parts.push('a pre-deploy command first');
  const from = options.service ? `${contract.service} of ${contract.manifest.path}` : contract.manifest.path;
  return `deploying as ${PLATFORM_NAMES[contract.platform]} would: ${parts.join(', ')}, from ${from}`;
}

/** `GET /healthz on 10000 (2xx/3xx, 5.0s)`, `TCP 8080`, `gRPC 7070`, `exec ["pg_isready"]`. */
export function checkText(check: HealthCheck): string {
  const limit = check.timeoutMs !== undefined ? formatDuration(check.timeoutMs) : undefined;
  switch (check.kind) {
    case 'http': {
      const details = [check.successCodes ? codesText(check.successCodes) : undefined, limit].filter(Boolean).join(', ');
      const scheme = check.scheme === 'https' ? 'HTTPS ' : '';
      return `${scheme}${check.method ?? 'GET'} ${check.path ?? '/'} on ${check.port ?? '?'}${details ? ` (${details})` : ''}`;
    }
    case 'tcp':
      return `TCP ${check.port ?? '?'}`;
    case 'grpc':
      return `gRPC ${check.port ?? '?'}${check.grpcService ? ` (${check.grpcService})` : ''}`;
    case 'exec':
      return `exec ${JSON.stringify(check.command ?? [])}`;
  }
}
