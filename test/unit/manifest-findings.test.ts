import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

import type { DeploymentContract } from '../../src/contract/contract.js';
import { readFly } from '../../src/contract/platforms/fly.js';
import { readKubernetes } from '../../src/contract/platforms/kubernetes.js';
import { readRender } from '../../src/contract/platforms/render.js';
import { contractFindings } from '../../src/explain/manifest/contract-findings.js';
import { applyKeyChanges, formatOf, splitManifest } from '../../src/explain/manifest/manifest-split.js';
import { contractOf, inline, manifest } from '../helpers/manifest-fixture.js';

const fly = (fixture: string) => contractOf(readFly({ manifest: manifest(fixture, 'fly.toml') }));
const renderText = (text: string) => contractOf(readRender({ manifest: inline('render.yaml', text) }));

describe('manifest findings', () => {
  it('epic-stack #808: the Dockerfile path and the ignore file', () => {
    const findings = contractFindings(fly('epic-stack/fly.toml.dffa1e6'), fly('epic-stack/fly.toml.06f908b'));
    expect(findings.map((f) => [f.kind, f.instruction, f.before, f.after])).toEqual([
      ['manifest-build', '[build] dockerfile', 'Dockerfile', 'other/Dockerfile'],
      ['manifest-build', 'ignorefile', undefined, 'other/Dockerfile.dockerignore'],
    ]);
    expect(findings[0]).toMatchObject({
      stage: '(manifest)',
      path: 'fly.toml',
      summary: 'fly.toml: the Dockerfile Dockerfile → other/Dockerfile ([build] dockerfile)',
    });
  });

  it('metagram d544cf7: the pre-deploy command', () => {
    expect(contractFindings(fly('metagram/fly.toml.60c00f7'), fly('metagram/fly.toml.d544cf7'))).toEqual([
      expect.objectContaining({
        kind: 'manifest-pre-deploy',
        before: 'drift migrate',
        after: 'squill migrate',
        instruction: '[deploy] release_command',
      }),
    ]);
    // The Apps v2 rewrite of the same file (reordered, app_name, "1m0s"): only primary_region, new, matters.
    expect(contractFindings(fly('metagram/fly.toml.d544cf7'), fly('metagram/fly.toml.24c53db')).map((f) => f.summary)).toEqual([
      'fly.toml: PRIMARY_REGION=sjc was added',
    ]);
  });

  it('internal_port moved: a port finding naming the key, and the health checks that moved with it', () => {
    const text = (port: number) => `[http_service]\ninternal_port = ${port}\n[[http_service.checks]]\npath = "/health"\ntimeout = "2s"\n`;
    const [a, b] = [18081, 18091].map((p) => contractOf(readFly({ manifest: inline('fly.toml', text(p)) })));
    const findings = contractFindings(a, b);
    expect(findings[0]).toMatchObject({
      kind: 'manifest-port',
      instruction: '[http_service] internal_port',
      before: '18081',
      after: '18091',
    });
    expect(findings[1]).toMatchObject({ kind: 'manifest-health', before: 'GET /health on 18081 2xx', after: 'GET /health on 18091 2xx' });
  });

  it('env added, removed and changed; secret values never shown; health path and timing', () => {
    const before = renderText(
      'services:\n  - type: web\n    name: api\n    runtime: docker\n    healthCheckPath: /health\n    envVars:\n      - key: MODE\n        value: staging\n      - key: API_TOKEN\n        value: abc123\n      - key: OLD\n        value: x\n',
    );
    const after = renderText(
      'services:\n  - type: web\n    name: api\n    runtime: docker\n    healthCheckPath: /healthz\n    envVars:\n      - key: MODE\n        value: production\n      - key: API_TOKEN\n        value: def456\n      - key: NEW\n        sync: false\n',
    );
    const summaries = contractFindings(before, after).map((f) => f.summary);
    expect(summaries).toEqual([
      'render.yaml: MODE=staging → MODE=production',
      'render.yaml: API_TOKEN changed (a secret)',
      'render.yaml: OLD=x was removed',
      'render.yaml: NEW (sync: false (set in the dashboard)) was added',
      'render.yaml: the health check changed: GET /health on 10000 2xx/3xx → GET /healthz on 10000 2xx/3xx (healthCheckPath)',
    ]);
    expect(JSON.stringify(contractFindings(before, after))).not.toMatch(/abc123|def456/);
  });

  it('Kubernetes probe change (157ef70): exec → grpc', () => {
    const skaffold = manifest('microservices-demo/34ffea9/skaffold.yaml', 'skaffold.yaml');
    const at = (v: string): DeploymentContract =>
      contractOf(
        readKubernetes({
          skaffold,
          manifests: [manifest(`microservices-demo/157ef70/cartservice.${v}.yaml`, 'kubernetes-manifests/cartservice.yaml')],
        }),
      );
    expect(contractFindings(at('before'), at('after'))).toEqual([
      expect.objectContaining({
        kind: 'manifest-health',
        instruction: 'spec.template.spec.containers[0].readinessProbe',
        before: 'exec ["/bin/grpc_health_probe","-addr=:7070","-rpc-timeout=5s"]',
        after: 'gRPC 7070',
      }),
    ]);
  });

  it('a manifest added or removed', () => {
    const c = fly('drinks/fly.toml');
    expect(contractFindings(undefined, c)).toEqual([
      expect.objectContaining({ kind: 'manifest-platform', after: 'fly manifest fly.toml', summary: 'fly manifest fly.toml was added' }),
    ]);
    expect(contractFindings(c, undefined)[0]?.summary).toBe('fly manifest fly.toml was removed');
  });
});

describe('manifest split per key', () => {
  const applyEach = (before: string, after: string, path: string) => {
    const format = formatOf(path);
    const changes = splitManifest(before, after, format);
    const parse = (text: string): unknown =>
      format === 'toml'
        ? JSON.parse(JSON.stringify(parseToml(text)))
        : format === 'json'
          ? JSON.parse(text)
          : [...parseAllDocuments(text)].map((d) => d.toJS());
    return { changes, parse, format };
  };

  it('fly.toml (metagram v1 → Apps v2): every key on its own, and all of them together give the new file', () => {
    const [before, after] = [
      manifest('metagram/fly.toml.d544cf7', 'fly.toml').text,
      manifest('metagram/fly.toml.24c53db', 'fly.toml').text,
    ];
    const { changes, parse, format } = applyEach(before, after, 'fly.toml');
    expect(changes.map((c) => c.key)).toEqual(
      expect.arrayContaining(['kill_timeout', 'processes', 'app_name', 'experimental.allowed_public_ports']),
    );
    expect(changes.find((c) => c.key === 'kill_timeout')?.summary).toBe('kill_timeout: 60 → "1m0s"');
    for (const change of changes) {
      const one = parse(applyKeyChanges(before, format, [change])) as Record<string, unknown>;
      const expected = parse(before) as Record<string, unknown>;
      expect(one).not.toEqual(expected);
    }
    expect(parse(applyKeyChanges(before, format, changes))).toEqual(parse(after));
  });

  it('render.yaml: list items matched by their key, one change per variable; the moved Dockerfile path alone', () => {
    const before = manifest('hongbomiao/render.yaml.01ea8cd', 'render.yaml').text;
    const moved = manifest('hongbomiao/render.yaml.moved', 'render.yaml').text;
    const changes = splitManifest(before, moved, 'yaml');
    expect(changes).toEqual([
      expect.objectContaining({
        key: '[0].services[name=hongbomiao.com].dockerfilePath',
        before: 'api-node/Dockerfile',
        after: 'api/api-node/Dockerfile',
      }),
    ]);
    const applied = applyKeyChanges(before, 'yaml', changes);
    expect(applied).toBe(moved); // comments and layout kept
    const env = before
      .replace('      - key: HOST\n        sync: false\n', '      - key: HOST\n        value: example.com\n')
      .replace('      - key: JWT_SECRET\n        sync: false\n', '');
    const envChanges = splitManifest(before, env, 'yaml');
    expect(envChanges.map((c) => c.summary)).toEqual([
      '[0].services[name=hongbomiao.com].envVars[key=HOST].sync removed (was false)',
      '[0].services[name=hongbomiao.com].envVars[key=HOST].value added: "example.com"',
      '[0].services[name=hongbomiao.com].envVars[key=JWT_SECRET] removed (was ***)',
    ]);
    const onlySecretRemoved = parseYaml(applyKeyChanges(before, 'yaml', [envChanges[2]!])) as {
      services: { envVars: { key: string }[] }[];
    };
    expect(onlySecretRemoved.services[0]!.envVars.map((e) => e.key)).not.toContain('JWT_SECRET');
    expect(onlySecretRemoved.services[0]!.envVars).toHaveLength(19);
  });

  it('railway.json and a multi-document YAML', () => {
    const before = manifest('persurl/railway.json', 'railway.json').text;
    const after = before.replace('"/s/health"', '"/healthz"').replace('"numReplicas": 1,\n    ', '');
    const changes = splitManifest(before, after, 'json');
    expect(changes.map((c) => c.key)).toEqual(['deploy.numReplicas', 'deploy.healthcheckPath']);
    expect(JSON.parse(applyKeyChanges(before, 'json', [changes[1]!])).deploy).toMatchObject({
      numReplicas: 1,
      healthcheckPath: '/healthz',
    });
    const k8s = 'kind: ConfigMap\ndata:\n  A: "1"\n---\nkind: Deployment\nspec:\n  replicas: 1\n';
    const k8sChanges = splitManifest(k8s, k8s.replace('A: "1"', 'A: "2"').replace('replicas: 1', 'replicas: 3'), 'yaml');
    expect(k8sChanges.map((c) => c.key)).toEqual(['[0].data.A', '[1].spec.replicas']);
    expect(applyKeyChanges(k8s, 'yaml', [k8sChanges[1]!])).toBe(
      'kind: ConfigMap\ndata:\n  A: "1"\n---\nkind: Deployment\nspec:\n  replicas: 3\n',
    );
  });
});
