/**
 * A Dockerfile written for BuildKit, end to end through the CLI on the real engine: a cache mount,
 * a bind mount, a build secret, `COPY --chmod` and `TARGETARCH`. With the secret given, the search
 * names the culprit; without it, the run stops and names the secret; with --builder classic, it says
 * the Dockerfile needs BuildKit. No secret value reaches the output, the JSON, the report, the
 * saved state or the verdict cache, although the Dockerfile prints it in its build log.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const CULPRIT = 7;
const COMMITS = 12;
const SECRET = 'hunter2-s3cr3t-8f3a91';

/** Each run of this file builds its own layers: a step cached by an earlier run would need no secret. */
const NONCE = `${process.pid}-${Date.now()}`;

const DOCKERFILE = `FROM ${BASE_IMAGE}
ARG TARGETARCH
RUN echo ${NONCE} > /nonce
RUN --mount=type=cache,target=/var/cache/deps sh -c 'date >> /var/cache/deps/runs; wc -l < /var/cache/deps/runs > /cache-runs'
RUN --mount=type=bind,source=deps.txt,target=/tmp/deps.txt cp /tmp/deps.txt /deps.txt
RUN --mount=type=secret,id=token echo "token is $(cat /run/secrets/token)" && wc -c < /run/secrets/token > /token-length
RUN test -n "$TARGETARCH" && echo "$TARGETARCH" > /arch
COPY --chmod=755 start.sh /start.sh
CMD ["/start.sh"]
`;

/** start.sh is committed without its executable bit: only COPY --chmod makes it runnable. */
function startScript(i: number): string {
  const check = i >= CULPRIT ? 'cat /etc/app.conf || exit 3' : 'true';
  return `#!/bin/sh\ngrep -q . /arch && test -f /deps.txt || exit 9\n${check}\necho "release ${i} up"\nsleep 120\n`;
}

describe('a BuildKit Dockerfile: cache and bind mounts, a secret, COPY --chmod, TARGETARCH', () => {
  let repo: TestRepo;
  let shas: string[];
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-buildkit-'));
  const env = { ...process.env, DEPLOYBISECT_TEST_TOKEN: SECRET };
  const args = (cache: string, ...extra: string[]) => [
    shas[0]!,
    shas[COMMITS - 1]!,
    '--network',
    'none',
    '--probe',
    'running:2s',
    '--cache-dir',
    join(scratch, cache),
    ...extra,
  ];

  beforeAll(async () => {
    await requireEngine();
    ({ repo, shas } = createRepo(
      Array.from({ length: COMMITS }, (_, i) => ({
        subject: i === CULPRIT ? 'Read the config at start' : `release ${i}`,
        changes: { Dockerfile: DOCKERFILE, 'start.sh': startScript(i), 'deps.txt': `dep-${i}\n` },
      })),
    ));
  }, 120_000);

  afterAll(() => {
    repo?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  // First: no step of this file's Dockerfile is cached yet (BuildKit, like docker build, needs no secret for a cached step).
  it('without --secret: stops with a non-zero exit naming the missing secret and how to give it', async () => {
    const run = await runCli(args('missing'), { cwd: repo.dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /^deploybisect: the build of [0-9a-f]{12} needs the secret token \(RUN --mount=type=secret,id=token\), which was not given: pass --secret id=token,env=<VARIABLE> or --secret id=token,src=<file>$/,
    );
    expect(run.stderr).not.toMatch(/ — (good|bad|skip): /);
  }, 300_000);

  it('names the culprit with the secret given, and no secret value reaches anything it writes', async () => {
    const report = join(scratch, 'report.md');
    const run = await runCli([...args('given', '--secret', 'id=token,env=DEPLOYBISECT_TEST_TOKEN', '--json', '--report', report, '-v')], {
      cwd: repo.dir,
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.culprit.sha).toBe(shas[CULPRIT]);
    expect(result.culprit.subject).toBe('Read the config at start');
    expect(result.builders).toEqual([{ endpoint: expect.any(String), builder: 'buildkit', buildNetwork: 'host' }]);
    expect(run.stderr).toMatch(/building with BuildKit on .*no bridge network, so RUN steps build with --build-network host/);
    // The secret step ran, and printed (masked) what the Dockerfile made it print.
    expect(run.stderr).toMatch(/build \| #\d+ token is \*+/);

    const written = [run.stdout, run.stderr, readFileSync(report, 'utf8')];
    const files = readdirSync(join(scratch, 'given'), { withFileTypes: true, recursive: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining([expect.stringMatching(/\.json$/)]));
    for (const f of files) written.push(readFileSync(join(f.parentPath, f.name), 'utf8'));
    for (const text of written) expect(text).not.toContain(SECRET);
  }, 300_000);

  it('--builder classic: says the Dockerfile needs BuildKit', async () => {
    const classic = await runCli(args('classic', '--builder', 'classic'), { cwd: repo.dir, env });
    expect(classic.code).not.toBe(0);
    expect(classic.stderr).toMatch(/building with the classic builder on .* \(--builder classic\)/);
    expect(classic.stderr).toContain('this Dockerfile needs BuildKit (the classic builder has no --mount): use --builder auto or buildkit');
  }, 300_000);

  it("says when this engine's embedded Dockerfile frontend cannot build a line (COPY --link, heredocs), not that the commit is broken", async () => {
    for (const [line, says] of [
      ['COPY --link start.sh /start.sh', "this engine's Dockerfile frontend (Docker before 23) has no COPY --link"],
      ['RUN <<EOF\necho hello\nEOF', "this engine's Dockerfile frontend (Docker before 23) has no heredocs"],
    ] as const) {
      const one = createRepo([
        { subject: 'one', changes: { Dockerfile: `FROM ${BASE_IMAGE}\n${line}\nCMD ["sleep", "60"]\n`, 'start.sh': 'x\n' } },
      ]);
      try {
        const run = await runCli(['test', one.shas[0]!, '--network', 'none', '--probe', 'running:1s'], { cwd: one.repo.dir });
        // A build failure: `test` cannot say whether the runtime regression is there (git bisect run's skip).
        expect(run.code, run.stderr).toBe(125);
        expect(run.stderr).toContain(says);
      } finally {
        one.repo.remove();
      }
    }
  }, 120_000);
});
