/**
 * A commit's deployment from its platform contract (src/session/deploy/): the manifest's build, start
 * command, environment, port and health checks, the options given winning; never a generated value in
 * what identifies the deployment.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

import { readContract } from '../../src/contract/read-contract.js';
import { HttpProbe } from '../../src/probes/http-probe.js';
import { contractDeployment, deploymentKey } from '../../src/session/deploy/contract-deployment.js';
import { healthProbes } from '../../src/session/deploy/health-probes.js';
import { contractOf, inline, manifest } from '../helpers/manifest-fixture.js';
import { settingsFor } from '../helpers/settings.js';

const render = () =>
  contractOf(
    readContract({ platform: 'render', manifest: manifest('stale-render/render.yaml', 'render.yaml'), files: [], dockerfiles: [] }),
  );
const fly = () =>
  contractOf(readContract({ platform: 'fly', manifest: manifest('metagram/fly.toml.d544cf7', 'fly.toml'), files: [], dockerfiles: [] }));
const settings = (given: Record<string, unknown> = {}) => settingsFor(tmpdir(), { network: 'host', ...given });
const generated = (key: string) => `generated-${key}-value`;

describe('contractDeployment', () => {
  it("Render: its Dockerfile, PORT=10000, literal and generated variables, GET on the health path with Render's codes", () => {
    const d = contractDeployment(render(), settings(), generated);
    expect(d.context).toEqual({ contextDir: '.', dockerfile: 'Dockerfile.render' });
    expect(d.run.env).toEqual(expect.arrayContaining(['PORT=10000', 'MODE=production', 'SESSION_SECRET=generated-SESSION_SECRET-value']));
    expect(d.run.env.some((e) => e.startsWith('DATABASE_URL=') || e.startsWith('STRIPE_API_KEY='))).toBe(false);
    const [probe] = d.run.probes as HttpProbe[];
    expect(probe).toBeInstanceOf(HttpProbe);
    expect(probe!.spec).toBe('http://127.0.0.1:10000/health');
    // Render's deadline is 15 minutes: the smaller, --timeout's 60 s, holds.
    expect(d.run.timeoutMs).toBe(60_000);
    expect(d.contract?.line).toBe('deploying as Render would: PORT=10000, GET /health on 10000 (2xx/3xx, 5.0s), from render.yaml');
    expect(d.contract?.env).toEqual(expect.arrayContaining(['SESSION_SECRET', 'STRIPE_API_KEY']));
  });

  it('says how to pass what the manifest leaves to the dashboard, and never guesses it', () => {
    const notes = contractDeployment(render(), settings(), generated).notes;
    expect(notes.some((n) => /^DATABASE_URL is not in render\.yaml \(.*\): pass it with /.test(n))).toBe(true);
    expect(notes.some((n) => n.startsWith('STRIPE_API_KEY is not in render.yaml'))).toBe(true);
    // Given: no note, and the value given is used.
    const given = contractDeployment(render(), settings({ env: ['STRIPE_API_KEY=sk_test'] }), generated);
    expect(given.notes.some((n) => n.startsWith('STRIPE_API_KEY'))).toBe(false);
    expect(given.run.env).toContain('STRIPE_API_KEY=sk_test');
  });

  it('options given win: the Dockerfile and context, a variable, the probes, the timeout', () => {
    const d = contractDeployment(
      render(),
      settings({ file: 'Dockerfile', env: ['MODE=staging'], probe: ['running:5s'], timeout: '20m' }),
      generated,
    );
    expect(d.context).toEqual({ contextDir: '.', dockerfile: 'Dockerfile' });
    expect(d.run.env).toContain('MODE=staging');
    expect(d.run.env).not.toContain('MODE=production');
    expect(d.run.probes.map((p) => p.spec)).toEqual(['running:5s']);
    expect(d.run.timeoutMs).toBe(20 * 60_000);
  });

  it("Fly: internal_port not injected, the release command run before the health phase, checks on the service's port", () => {
    const d = contractDeployment(fly(), settings(), generated);
    expect(d.run.env.some((e) => e.startsWith('PORT='))).toBe(false);
    expect(d.run.preDeploy).toMatchObject({ overrides: { cmd: ['squill', 'migrate'] } });
    expect(d.run.probes.map((p) => p.spec)).toEqual(['tcp://127.0.0.1:8000', 'http://127.0.0.1:8000/.well-known/health-check']);
  });

  it('what identifies a deployment: its contract, not where it is written, never a generated value', () => {
    const key = deploymentKey(render());
    expect(key).not.toContain('generated-');
    const moved = render();
    moved.manifest = { path: 'render.yaml', blob: 'another blob (a comment changed)' };
    expect(deploymentKey(moved)).toBe(key);
    const changed = render();
    changed.env = changed.env.map((e) => (e.key === 'MODE' ? { ...e, value: 'staging' } : e));
    expect(deploymentKey(changed)).not.toBe(key);
  });
});

describe('healthProbes', () => {
  it('an exec check runs its words without a shell; gRPC is checked as a TCP connect, and said (the startup and readiness probes gate a rollout)', () => {
    const contract = contractOf(
      readContract({
        platform: 'kubernetes',
        manifest: inline(
          'k8s/app.yaml',
          [
            'apiVersion: apps/v1',
            'kind: Deployment',
            'metadata: { name: app }',
            'spec:',
            '  template:',
            '    spec:',
            '      containers:',
            '        - name: app',
            '          image: app',
            '          ports: [{ name: grpc, containerPort: 7070 }]',
            '          readinessProbe: { grpc: { port: 7070 } }',
            '          startupProbe: { exec: { command: [cat, /tmp/ready] } }',
          ].join('\n'),
        ),
        files: [],
        dockerfiles: ['Dockerfile'],
      }),
    );
    const { probes, notes } = healthProbes(contract.health, 'host');
    expect(probes.map((p) => p.spec).sort()).toEqual(['exec:cat /tmp/ready', 'tcp://127.0.0.1:7070'].sort());
    expect(notes).toEqual(['the gRPC health check on port 7070 is checked as a TCP connect']);
    // Without a network, checks from the host cannot reach the container: said, not run.
    const none = healthProbes(contract.health, 'none');
    expect(none.probes.map((p) => p.spec)).toEqual(['exec:cat /tmp/ready']);
    expect(none.notes[0]).toMatch(/^grpc check on port 7070 cannot reach a container without a network/);
  });
});
