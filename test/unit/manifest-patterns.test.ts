/** The deployment family: output linked to a change of the platform's manifest. */
import { describe, expect, it } from 'vitest';

import { findLikelyCauses } from '../../src/explain/cause/likely-cause.js';
import { manifestFinding } from '../../src/explain/manifest/manifest-finding.js';

const port = (before: string, after: string) =>
  manifestFinding(
    'manifest-port',
    'fly.toml',
    '[http_service] internal_port',
    before,
    after,
    `fly.toml: the port changed: ${before} → ${after}`,
  );
const env = (before: string, after?: string) =>
  manifestFinding('manifest-env', 'render.yaml', 'envVars[0]', before, after, 'render.yaml: env');
const health = (before: string, after: string) =>
  manifestFinding('manifest-health', 'railway.toml', 'deploy.healthcheckPath', before, after, 'railway.toml: health');
const causes = (findings: ReturnType<typeof port>[], evidence: string[]) =>
  findLikelyCauses(findings, evidence).map((c) => [c.pattern, c.certainty, c.summary]);

describe('failure patterns of the deployment manifest', () => {
  it('a probe refused on the port the manifest moved to', () => {
    expect(
      causes([port('18081', '18091')], ['http connection refused on /health (http://127.0.0.1:18091/health)', 'listening on :18081']),
    ).toEqual([
      [
        'manifest-port-moved',
        'strong',
        expect.stringContaining(
          'this commit moved the port the platform sends traffic and checks to from 18081 to 18091 (fly.toml, [http_service] internal_port)',
        ),
      ],
    ]);
    // Refused on another port: not this change.
    expect(causes([port('18081', '18091')], ['http connection refused on /health (http://127.0.0.1:9999/health)'])).toEqual([]);
  });

  it('a variable the app requires, removed or emptied in the manifest', () => {
    expect(causes([env('DATABASE_URL=postgres://db/app')], ["KeyError: 'DATABASE_URL'"])).toEqual([
      [
        'manifest-env-removed',
        'strong',
        expect.stringContaining('this commit removed DATABASE_URL from the environment the platform gives'),
      ],
    ]);
    expect(causes([env('DATABASE_URL=postgres://db/app', 'DATABASE_URL=')], ["KeyError: 'DATABASE_URL'"])[0]?.[0]).toBe(
      'manifest-env-removed',
    );
    // Changed, not removed: another pattern's business (or none).
    expect(causes([env('DATABASE_URL=a', 'DATABASE_URL=b')], ["KeyError: 'DATABASE_URL'"])).toEqual([]);
  });

  it('a health check moved to a path the app does not serve', () => {
    expect(causes([health('GET /health on 8080 200', 'GET /healthz on 8080 200')], ['http 404 from /healthz'])).toEqual([
      ['manifest-health-moved', 'likely', expect.stringContaining('this commit moved the health check from /health to /healthz')],
    ]);
    expect(causes([health('GET /health on 8080 200', 'GET /healthz on 8080 200')], ['http 404 from /other'])).toEqual([]);
  });
});
