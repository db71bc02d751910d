import { describe, expect, it } from 'vitest';

import { describeContract } from '../../src/contract/describe.js';
import { readCloudRun } from '../../src/contract/platforms/cloudrun.js';
import { readKubernetes } from '../../src/contract/platforms/kubernetes.js';
import { globPattern, readSkaffold } from '../../src/contract/platforms/skaffold.js';
import { failureLine } from '../../src/contract/source/problem.js';
import { contractOf, failureOf, inline, manifest } from '../helpers/manifest-fixture.js';

const demo = '34ffea9';
const demoInput = {
  skaffold: manifest(`microservices-demo/${demo}/skaffold.yaml`, 'skaffold.yaml'),
  manifests: ['kustomization.yaml', 'frontend.yaml', 'cartservice.yaml', 'loadgenerator.yaml'].map((f) =>
    manifest(`microservices-demo/${demo}/kubernetes-manifests/${f}`, `kubernetes-manifests/${f}`),
  ),
};

describe('skaffold.yaml', () => {
  it('v3 (microservices-demo today): artifacts with their defaults, kustomize and rawYaml manifests', () => {
    const config = readSkaffold(demoInput.skaffold);
    expect(config.artifacts.find((a) => a.image === 'frontend')?.build).toMatchObject({
      context: 'src/frontend',
      dockerfile: 'src/frontend/Dockerfile',
      from: { dockerfile: 'skaffold default Dockerfile' },
    });
    expect(config.artifacts.find((a) => a.image === 'cartservice')?.build).toMatchObject({
      context: 'src/cartservice/src',
      dockerfile: 'src/cartservice/src/Dockerfile',
    });
    expect(config.artifacts.map((a) => a.image)).toContain('loadgenerator'); // from the second document
    expect(config.kustomizeDirs).toEqual(['kubernetes-manifests']);
    expect(config.manifestGlobs).toEqual(['kubernetes-manifests/loadgenerator.yaml']);
    expect(config.unsupported.map((u) => u.reason)).toContain('skaffold profiles: the default configuration is read');
  });

  it('v2beta18: deploy.kubectl.manifests globs; build args written as templates come from the environment', () => {
    const config = readSkaffold(manifest('microservices-demo/v2/skaffold.yaml', 'skaffold.yaml'));
    expect(config.manifestGlobs.slice(0, 2)).toEqual(['otel-kubernetes-manifests/**.yaml', 'kubernetes-manifests/adservice.yaml']);
    const ad = config.artifacts.find((a) => a.image === 'adservice')!;
    expect(ad.build.args).toContainEqual({ key: 'NEW_RELIC_API_KEY' });
    expect(config.artifacts.find((a) => a.image === 'emailservice')!.build.args).toEqual([
      { key: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector:4317' },
    ]);
    expect(globPattern('otel-kubernetes-manifests/**.yaml').test('otel-kubernetes-manifests/a/b.yaml')).toBe(true);
    expect(globPattern('k8s/*.yaml').test('k8s/a/b.yaml')).toBe(false);
  });
});

describe('Kubernetes reader', () => {
  it('several workloads built here: --service is needed, and the error lists them', () => {
    const failure = failureOf(readKubernetes(demoInput));
    expect(failure.kind).toBe('service-needed');
    expect(failure.services).toEqual(['frontend', 'cartservice', 'loadgenerator']);
  });

  it('microservices-demo frontend: the skaffold artifact’s Dockerfile, the readiness probe with its header, env, the probed port', () => {
    const c = contractOf(readKubernetes({ ...demoInput, service: 'frontend' }));
    expect(c.manifest.path).toBe('kubernetes-manifests/frontend.yaml');
    expect(c.alsoRead.map((f) => f.path)).toEqual([
      'skaffold.yaml',
      'kubernetes-manifests/kustomization.yaml',
      'kubernetes-manifests/cartservice.yaml',
      'kubernetes-manifests/loadgenerator.yaml',
    ]);
    expect(c.build).toMatchObject({ context: 'src/frontend', dockerfile: 'src/frontend/Dockerfile' });
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'http',
        path: '/_healthz',
        port: 8080,
        headers: [{ name: 'Cookie', value: 'shop_session-id=x-readiness-probe' }],
        graceMs: 10_000,
        intervalMs: 10_000,
        timeoutMs: 1000,
        failureThreshold: 3,
        successCodes: [{ from: 200, to: 399 }],
        deadlineMs: 600_000,
      }),
    ]);
    expect(c.port).toMatchObject({ number: 8080, injectedAsPort: false });
    expect(c.env).toContainEqual({
      key: 'PORT',
      value: '8080',
      kind: 'literal',
      secret: false,
      from: 'spec.template.spec.containers[0].env[0]',
    });
    expect(c.unsupported).toContainEqual({
      key: 'spec.template.spec.containers[0].livenessProbe',
      reason: 'restarts the container after the rollout; does not gate it',
    });
    expect(describeContract(c)).toBe(
      'deploying as Kubernetes would: port 8080, GET /_healthz on 8080 (2xx/3xx, 1.0s), from kubernetes-manifests/frontend.yaml',
    );
  });

  it('cartservice: the grpc probe of 157ef70, the exec probe before it', () => {
    const at = (version: string) =>
      contractOf(
        readKubernetes({
          skaffold: demoInput.skaffold,
          manifests: [manifest(`microservices-demo/157ef70/cartservice.${version}.yaml`, 'kubernetes-manifests/cartservice.yaml')],
        }),
      );
    expect(at('after').health.map((h) => [h.kind, h.port])).toEqual([['grpc', 7070]]);
    expect(at('before').health).toEqual([
      expect.objectContaining({ kind: 'exec', command: ['/bin/grpc_health_probe', '-addr=:7070', '-rpc-timeout=5s'] }),
    ]);
    expect(at('after').build.dockerfile).toBe('src/cartservice/src/Dockerfile');
  });

  const app = (container: string, extra = '') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n${container}${extra}`;

  it('without skaffold.yaml: one image in the manifests is built from the one Dockerfile', () => {
    const text = app(
      '        - name: web\n          image: registry.example.com/web:1.2\n          ports:\n            - containerPort: 3000\n',
    );
    const c = contractOf(readKubernetes({ manifests: [inline('k8s/web.yaml', text)], dockerfiles: ['Dockerfile'] }));
    expect(c.build).toMatchObject({ context: '', dockerfile: 'Dockerfile' });
    expect(c.port).toMatchObject({ number: 3000, from: 'spec.template.spec.containers[0].ports[0].containerPort' });
    expect(c.health).toEqual([]);
    expect(failureOf(readKubernetes({ manifests: [inline('k8s/web.yaml', text)], dockerfiles: [] })).kind).toBe('not-docker');
  });

  it('command alone drops CMD; args alone replace it; $(VAR) is expanded from the container’s env; named probe ports', () => {
    const container =
      '        - name: web\n          image: web\n          command: ["/app/server", "--port=$(PORT)", "$$(HOME)"]\n          env:\n            - name: PORT\n              value: "9000"\n' +
      '          ports:\n            - name: http\n              containerPort: 9000\n          readinessProbe:\n            tcpSocket:\n              port: http\n';
    const c = contractOf(readKubernetes({ manifests: [inline('k8s/web.yaml', app(container))], dockerfiles: ['Dockerfile'] }));
    expect(c.run).toEqual({
      entrypoint: { form: 'exec', argv: ['/app/server', '--port=9000', '$(HOME)'] },
      cmd: 'clear',
      from: ['command'],
    });
    expect(c.health).toEqual([expect.objectContaining({ kind: 'tcp', port: 9000 })]);
    const args = contractOf(
      readKubernetes({
        manifests: [inline('k8s/web.yaml', app('        - name: web\n          image: web\n          args: ["--verbose"]\n'))],
        dockerfiles: ['Dockerfile'],
      }),
    );
    expect(args.run).toEqual({ cmd: { form: 'exec', argv: ['--verbose'] }, from: ['args'] });
  });

  it('envFrom and valueFrom: ConfigMaps among the manifests are read, Secrets and field references are left to the user; env wins', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  MODE: production\n  LEVEL: info\n---\n';
    const container =
      '        - name: web\n          image: web\n          envFrom:\n            - configMapRef:\n                name: settings\n            - secretRef:\n                name: creds\n' +
      '          env:\n            - name: LEVEL\n              value: debug\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n' +
      '            - name: POD\n              valueFrom:\n                fieldRef:\n                  fieldPath: metadata.name\n';
    const c = contractOf(readKubernetes({ manifests: [inline('k8s/all.yaml', configMap + app(container))], dockerfiles: ['Dockerfile'] }));
    expect(c.env.map((e) => [e.key, e.kind, e.value ?? null, e.secret])).toEqual([
      ['MODE', 'literal', 'production', false],
      ['LEVEL', 'literal', 'debug', false],
      ['*', 'unresolved', null, true],
      ['DB_PASSWORD', 'unresolved', null, true],
      ['POD', 'unresolved', null, false],
    ]);
  });

  it('a probe naming a port the container does not declare; a manifest that does not parse', () => {
    const container =
      '        - name: web\n          image: web\n          readinessProbe:\n            httpGet:\n              port: metrics\n';
    expect(
      failureLine(failureOf(readKubernetes({ manifests: [inline('k8s/web.yaml', app(container))], dockerfiles: ['Dockerfile'] }))),
    ).toBe(
      "k8s/web.yaml:13:15: spec.template.spec.containers[0].readinessProbe.httpGet.port names port 'metrics', which the container does not declare",
    );
    const broken = failureOf(
      readKubernetes({ manifests: [inline('k8s/web.yaml', 'kind: Deployment\nspec: [\n')], dockerfiles: ['Dockerfile'] }),
    );
    expect(broken).toMatchObject({ kind: 'parse', file: 'k8s/web.yaml' });
  });
});

describe('Cloud Run reader', () => {
  it('dcm2bq’s exported service: containerPort, PORT set to it, the TCP startup probe it states', () => {
    const c = contractOf(readCloudRun({ manifest: manifest('cloudrun/service.yaml', 'service.yaml'), dockerfiles: ['Dockerfile'] }));
    expect(c).toMatchObject({ platform: 'cloudrun', service: 'dcm2bq', build: { dockerfile: 'Dockerfile' } });
    expect(c.port).toEqual({ number: 8080, injectedAsPort: true, source: 'manifest', from: 'ports[0].containerPort' });
    expect(c.env.find((e) => e.key === 'PORT')).toMatchObject({ kind: 'platform', value: '8080' });
    expect(c.env.find((e) => e.key === 'NODE_ENV')).toMatchObject({ kind: 'literal', value: 'production' });
    expect(c.health).toEqual([
      expect.objectContaining({ kind: 'tcp', port: 8080, intervalMs: 240_000, timeoutMs: 240_000, failureThreshold: 1 }),
    ]);
  });

  it('defaults: port 8080 and Cloud Run’s own TCP startup probe when none is written', () => {
    const text =
      'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/api\n';
    const c = contractOf(readCloudRun({ manifest: inline('service.yaml', text), dockerfiles: ['Dockerfile'] }));
    expect(c.port).toMatchObject({ number: 8080, source: 'platform-default' });
    expect(c.health).toEqual([
      expect.objectContaining({
        kind: 'tcp',
        port: 8080,
        deadlineMs: 240_000,
        from: { keys: [], defaults: expect.arrayContaining(['kind']) },
      }),
    ]);
    expect(failureOf(readCloudRun({ manifest: inline('service.yaml', 'kind: Service\napiVersion: v1\n') })).message).toBe(
      'service.yaml has no serving.knative.dev Service',
    );
  });
});
