/**
 * The library on the real engine: bisect() with the config file's options, progress on an
 * EventEmitter, the same result the CLI prints with --json; an AbortSignal stops a run and leaves
 * nothing labelled behind.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_COMMIT, LABEL_SESSION } from '../../src/docker/labels.js';
import { bisect, testCommit } from '../../src/index.js';
import { createRepo, shellApp } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { requireEngine, testDockerHost } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

describe('the library API', () => {
  let docker: Docker;
  let repo: TestRepo;
  let shas: string[];
  const cache = mkdtempSync(join(tmpdir(), 'deploybisect-api-'));
  const options = () => ({
    repo: repo.dir,
    network: 'none' as const,
    probe: 'running:2s',
    dockerHost: testDockerHost(),
    cacheDir: cache,
    cache: false,
  });

  beforeAll(async () => {
    docker = await requireEngine();
    ({ repo, shas } = createRepo(
      Array.from({ length: 6 }, (_, i) => ({
        subject: `release ${i}`,
        changes: { Dockerfile: i >= 3 ? shellApp(`echo "release ${i}: broken" >&2; exit 2`) : shellApp(`echo "release ${i}"; sleep 60`) },
      })),
    ));
  });
  afterAll(() => {
    repo?.remove();
    rmSync(cache, { recursive: true, force: true });
  });

  it('bisect(): events as it goes, and the result the CLI prints with --json', async () => {
    const events = new EventEmitter();
    const seen: string[] = [];
    for (const name of ['start', 'step', 'probe', 'verdict', 'cleanup', 'done']) events.on(name, () => seen.push(name));
    const result = await bisect({ ...options(), good: shas[0]!, bad: shas[5]!, events, restart: true });
    expect(result.status).toBe('found');
    expect(result.culprit?.sha).toBe(shas[3]);
    expect(seen[0]).toBe('start');
    expect(seen.at(-1)).toBe('done');
    expect(seen.filter((n) => n === 'step').length).toBe(result.steps.length);
    expect(seen.filter((n) => n === 'verdict').length).toBe(result.steps.length);
    expect(seen).toContain('probe');

    const cli = await runCli([shas[0]!, shas[5]!, '--network', 'none', '--probe', 'running:2s', '--no-cache', '--restart', '--json'], {
      cwd: repo.dir,
    });
    const printed = JSON.parse(cli.stdout);
    // The library's result, under the JSON output's schema version.
    expect(Object.keys(printed).sort()).toEqual([...Object.keys(JSON.parse(JSON.stringify(result))), 'schemaVersion'].sort());
    expect(printed.culprit.sha).toBe(result.culprit?.sha);
  }, 120_000);

  it('an AbortSignal stops the run: the promise rejects and nothing labelled is left', async () => {
    const sessions = async () =>
      (await docker.listImages({ filters: { label: [LABEL_SESSION] } })).map((i) => i.Labels?.[LABEL_SESSION] ?? '');
    const before = new Set(await sessions());
    const controller = new AbortController();
    const events = new EventEmitter();
    events.on('verdict', () => controller.abort(new Error('stop')));
    await expect(
      bisect({ ...options(), good: shas[0]!, bad: shas[5]!, events, signal: controller.signal, restart: true }),
    ).rejects.toThrow();
    const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_SESSION] } });
    const images = await docker.listImages({ filters: { label: [LABEL_SESSION] } });
    // This run's (its session is the one not seen before), whatever earlier runs of this file left.
    const ours = (labels: Record<string, string> | undefined | null) =>
      shas.includes(labels?.[LABEL_COMMIT] ?? '') && !before.has(labels?.[LABEL_SESSION] ?? '');
    expect(containers.filter((c) => ours(c.Labels))).toEqual([]);
    expect(images.filter((i) => ours(i.Labels))).toEqual([]);
  }, 120_000);

  it('testCommit(): one commit, with the same options, without listeners, and nothing labelled left', async () => {
    const healthy = await testCommit({ ...options(), commit: shas[1]! });
    expect(healthy.outcome.ok).toBe(true);
    const broken = await testCommit({ ...options(), commit: shas[4]! });
    expect(broken.outcome.signature).toBe('container exited with code 2');
    const images = await docker.listImages({ filters: { label: [`${LABEL_SESSION}=${healthy.sessionId}`] } });
    const more = await docker.listImages({ filters: { label: [`${LABEL_SESSION}=${broken.sessionId}`] } });
    expect([...images, ...more]).toEqual([]);
  }, 120_000);
});
