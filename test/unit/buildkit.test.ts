/**
 * The pure parts of BuildKit builds: decoding the status stream into steps and lines, one wording
 * for a failure whichever builder said it, build secrets (parsed, fingerprinted, masked) and the
 * secrets a Dockerfile mounts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';

import { sameWording } from '../../src/docker/build-failure.js';
import { buildFailureSignature } from '../../src/docker/build-image.js';
import { BuildkitProgress } from '../../src/docker/buildkit/progress.js';
import { decodeStatus } from '../../src/docker/buildkit/protos.js';
import { parseBuildSecret, secretFingerprints, secretTexts } from '../../src/options/build-secrets.js';
import { mountedSecrets } from '../../src/session/evaluate/image-builder.js';
import { expectUsageError, usageMessage } from '../helpers/expect-usage-error.js';

/** A `moby.buildkit.trace` payload as the engine sends it: a StatusResponse, protobuf, base64. */
function trace(status: object): string {
  const type = protobuf
    .loadSync(createRequire(import.meta.url).resolve('dockerode/lib/proto/buildkit_status.proto'))
    .lookupType('moby.buildkit.v1.StatusResponse');
  return Buffer.from(type.encode(type.fromObject(status)).finish()).toString('base64');
}

const now = { seconds: 1_700_000_000, nanos: 0 };

describe('the BuildKit status stream', () => {
  it('decodes steps, their output and the failing step, printed as --progress=plain does', () => {
    const lines: string[] = [];
    const steps: string[] = [];
    const progress = new BuildkitProgress(
      (line) => lines.push(line),
      (step) => steps.push(step),
    );
    progress.add(decodeStatus(trace({ vertexes: [{ digest: 'sha256:ctx', name: '[internal] load build context', started: now }] })));
    progress.add(decodeStatus(trace({ vertexes: [{ digest: 'sha256:from', name: '[1/3] FROM base', started: now, cached: true }] })));
    progress.add(decodeStatus(trace({ vertexes: [{ digest: 'sha256:run', name: '[2/3] RUN make', started: now }] })));
    progress.add(
      decodeStatus(
        trace({
          logs: [
            { vertex: 'sha256:run', stream: 1, msg: Buffer.from('compiling\n') },
            { vertex: 'sha256:run', stream: 2, msg: Buffer.from('make: *** [all] Error 2\n') },
          ],
        }),
      ),
    );
    const error = 'executor failed running [/bin/sh -c make]: exit code: 2';
    progress.add(
      decodeStatus(trace({ vertexes: [{ digest: 'sha256:run', name: '[2/3] RUN make', started: now, completed: now, error }] })),
    );

    expect(lines).toEqual([
      '#1 [internal] load build context',
      '#2 [1/3] FROM base',
      '#2 CACHED',
      '#3 [2/3] RUN make',
      '#3 compiling',
      '#3 make: *** [all] Error 2',
      `#3 ERROR: ${error}`,
    ]);
    // Only the Dockerfile's own steps are progress the user follows.
    expect(steps).toEqual(['[1/3] FROM base', '[2/3] RUN make']);
    expect(progress.failed()).toEqual({ name: '[2/3] RUN make', error, tail: ['compiling', 'make: *** [all] Error 2'] });
  });

  it('an empty event decodes to nothing', () => {
    const progress = new BuildkitProgress();
    progress.add(decodeStatus(''));
    expect(progress.output).toEqual([]);
    expect(progress.failed()).toBeUndefined();
  });
});

describe('one wording for a build failure, whichever builder said it', () => {
  const classic = "The command '/bin/sh -c make' returned a non-zero code: 2";

  it('a RUN that fails gives the same signature on the classic builder, BuildKit 0.8, newer BuildKit and buildah', () => {
    const signatures = [
      classic,
      'executor failed running [/bin/sh -c make]: exit code: 2',
      'process "/bin/sh -c make" did not complete successfully: exit code: 2',
      'error building at STEP "RUN make": while running runtime: exit status 2',
    ].map((reason) => buildFailureSignature(sameWording(reason)));
    expect(new Set(signatures)).toEqual(new Set([`build failed: ${classic}`]));
  });

  it('a COPY source missing from the context reads the same', () => {
    const words = [
      'failed to compute cache key: "/config/app.ini" not found: not found',
      'failed to compute cache key: failed to calculate checksum of ref x::y: "/config/app.ini": not found',
      'building at STEP "COPY config/app.ini /etc/": checking on sources under "/ctx": copier: stat: "/config/app.ini": no such file or directory',
    ].map((reason) => sameWording(reason));
    for (const w of words) expect(w).toBe(sameWording(words[0]!));
    expect(words[0]).toMatch(/^COPY failed: .*stat config\/app\.ini: file does not exist$/);
  });

  it('says when the builder, not the commit, cannot build the Dockerfile', () => {
    expect(sameWording('the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/')).toMatch(
      /^this Dockerfile needs BuildKit \(the classic builder has no --mount\): use --builder auto or buildkit \(/,
    );
    expect(sameWording('dockerfile parse error line 3: Unknown flag: link')).toMatch(/has no COPY --link/);
    const heredoc = 'FROM base\nRUN <<EOF\necho hi\nEOF\n';
    expect(sameWording('dockerfile parse error line 4: unknown instruction: ECHO', heredoc)).toMatch(/has no heredocs/);
    // Without a heredoc in the Dockerfile, an unknown instruction is the commit's own mistake.
    expect(sameWording('dockerfile parse error line 4: unknown instruction: ECHO', 'FROM base\nECHO hi\n')).toBe(
      'dockerfile parse error line 4: unknown instruction: ECHO',
    );
    expect(sameWording('failed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: x')).toMatch(/# syntax=/);
  });
});

describe('--secret', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    delete process.env.DEPLOYBISECT_TEST_TOKEN;
  });

  it('takes id=…,env=…, id=…,src=… and a bare id (the variable named like it), as docker build does', () => {
    process.env.DEPLOYBISECT_TEST_TOKEN = 's3cr3t-value';
    expect(parseBuildSecret('id=npm,env=DEPLOYBISECT_TEST_TOKEN')).toEqual({
      id: 'npm',
      from: 'env DEPLOYBISECT_TEST_TOKEN',
      value: Buffer.from('s3cr3t-value'),
    });
    expect(parseBuildSecret('id=DEPLOYBISECT_TEST_TOKEN').value.toString()).toBe('s3cr3t-value');
    const dir = mkdtempSync(join(tmpdir(), 'deploybisect-secret-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'npmrc'), 'line one\nline two\n');
    expect(parseBuildSecret(`id=npmrc,src=${join(dir, 'npmrc')}`).value.toString()).toBe('line one\nline two\n');
    expect(parseBuildSecret(`type=file,id=npmrc,source=${join(dir, 'npmrc')}`).from).toBe(`file ${join(dir, 'npmrc')}`);
  });

  it('bad input is a usage error (exit 2) that never shows a value', () => {
    expect(usageMessage(() => parseBuildSecret('npm'))).toBe("invalid --secret 'npm': expected id=<id>[,env=<VAR>|,src=<file>]");
    expect(usageMessage(() => parseBuildSecret('id=a b'))).toMatch(/^invalid --secret/);
    expect(usageMessage(() => parseBuildSecret('id=npm,env=DEPLOYBISECT_TEST_UNSET'))).toBe(
      '--secret npm: the environment variable DEPLOYBISECT_TEST_UNSET is not set',
    );
    expect(usageMessage(() => parseBuildSecret('id=npm,src=/nonexistent/npmrc'))).toBe(
      'cannot read --secret npm from /nonexistent/npmrc: ENOENT',
    );
    expectUsageError(() => parseBuildSecret('id=npm,type=ssh'));
  });

  it('a cache key holds the id and a hash of the value, never the value; masking covers the value and its lines', () => {
    const secrets = [
      { id: 'b', from: 'env B', value: Buffer.from('first line\nsecond line\n') },
      { id: 'a', from: 'env A', value: Buffer.from('tok') },
    ];
    const fingerprints = secretFingerprints(secrets);
    expect(fingerprints.map((f) => f.id)).toEqual(['a', 'b']);
    expect(fingerprints[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(fingerprints)).not.toMatch(/tok"|first line|second line/);
    // A changed value is a changed key.
    expect(secretFingerprints([{ id: 'a', from: 'env A', value: Buffer.from('tok2') }])[0]!.sha256).not.toBe(fingerprints[0]!.sha256);
    expect(secretTexts(secrets)).toEqual(expect.arrayContaining(['first line\nsecond line\n', 'first line', 'second line', 'tok']));
  });

  it('finds the secrets a Dockerfile mounts, by id or by target', () => {
    const dockerfile = [
      'FROM base',
      'RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci',
      'RUN --mount=type=secret,target=/run/secrets/token cat /run/secrets/token',
      'RUN --mount=type=bind,source=go.mod,target=go.mod go mod download',
    ].join('\n');
    expect(mountedSecrets(dockerfile)).toEqual(['npmrc', 'token']);
  });
});
