/**
 * Kubernetes with skaffold end to end (issue 25): each commit deployed as skaffold.yaml and the manifests
 * it lists say at that commit (the artifact's Dockerfile, the ConfigMap's variables, the readinessProbe on
 * a named port), found with no flag but --network host, on the real engine.
 */
import { describe, expect, it } from 'vitest';

import { PORTS } from '../fixtures/platform-history.js';
import { kubernetesAppHistory, kubernetesManifestHistory, kubernetesParseHistory } from '../fixtures/platform-kubernetes.js';
import {
  expectContracts,
  expectCulprit,
  expectFirstLines,
  expectNothingLeft,
  expectRefusedCulprit,
  manifestFindings,
  searchedHistory,
} from '../helpers/platform-run.js';

const line = (port: number, path: string) =>
  `deploying as Kubernetes would: port ${port}, GET ${path} on ${port} (2xx/3xx, 1.0s), from k8s/deployment.yaml`;

describe('Kubernetes: the culprit is in the application', () => {
  const s = searchedHistory(kubernetesAppHistory);

  it('finds the commit whose /healthz redirects to a 404, following the redirect as the kubelet does', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expectFirstLines(r, [line(PORTS.k8sMoved, '/healthz')]);
    expectContracts(r, 'kubernetes', 'k8s/deployment.yaml');
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe('http 404 from /healthz/ (redirected from /healthz)');
    expect(outcome.logTail).toContain(`shop-api: listening on 127.0.0.1:${PORTS.k8sMoved}`);
    expect(outcome.contract).toMatchObject({ service: 'shop-api', port: PORTS.k8sMoved, env: ['LISTEN_PORT'] });
    expect(manifestFindings(r)).toEqual([]);
    await expectNothingLeft(r);
  });
});

describe('Kubernetes: the culprit is a ConfigMap alone (the manifests are not sent to the builder)', () => {
  const s = searchedHistory(kubernetesManifestHistory);

  it('finds the commit that changed k8s/config.yaml, though the image did not change and the manifests moved since', async () => {
    const { h, r } = s;
    expectCulprit(r, h);
    expectFirstLines(r, [line(PORTS.k8s, '/readyz').replace('k8s/', 'deploy/')]);
    expectContracts(r, 'kubernetes', ['k8s/deployment.yaml', 'deploy/deployment.yaml']);
    const outcome = r.result.culprit.outcome;
    expect(outcome.signature).toBe(`http connection refused on /readyz (http://127.0.0.1:${PORTS.k8s}/readyz)`);
    expect(outcome.logTail).toContain(`shop-api: listening on 127.0.0.1:${PORTS.k8sManifestMoved}`);
    expect(outcome.contract.manifest.path).toBe('k8s/deployment.yaml');
    expect(r.result.culprit.files).toEqual([{ path: 'k8s/config.yaml', status: 'M' }]);
    expect(manifestFindings(r)).toEqual([
      `manifest-env: k8s/deployment.yaml: LISTEN_PORT=${PORTS.k8s} → LISTEN_PORT=${PORTS.k8sManifestMoved}`,
    ]);
    expect(r.result.culprit.parent.outcome.ok).toBe(true);
    await expectNothingLeft(r);
  });
});

describe('Kubernetes: a commit whose Deployment does not parse', () => {
  const s = searchedHistory(kubernetesParseHistory);

  it('is judged bad with the parse error and its place as evidence, without a build', async () => {
    const { h, r } = s;
    expectRefusedCulprit(r, h, 'Kubernetes', 'k8s/deployment.yaml:32:1: not valid YAML: Tabs are not allowed as indentation');
    expect(r.result.culprit.parent.outcome).toMatchObject({ ok: true, contract: { line: line(PORTS.k8sMoved, '/healthz') } });
    expectContracts(r, 'kubernetes', 'k8s/deployment.yaml');
    await expectNothingLeft(r);
  });
});
