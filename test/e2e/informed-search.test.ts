/**
 * The informed search (`--prior risk`, the default) on both kinds of culprit, through the CLI on
 * the real engine: when an application commit breaks the deployment and harmless Dockerfile
 * commits sit around it (the prior points the wrong way), the search still names it within
 * ⌈log₂ D⌉ + 2 builds; when a Dockerfile commit breaks it, the prior finds it in fewer builds than
 * git's halving (`--prior uniform`) on the same history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import { createRepo } from '../fixtures/app-repo.js';
import type { TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

const COMMITS = 16;

/** An app that reads its config at start; `broken` config makes it exit. */
function dockerfile(i: number, cmdChanged: boolean): string {
  // Every third commit changes what the Dockerfile says (ENV, EXPOSE): risky-looking, harmless.
  const label = `ENV RELEASE=${i - (i % 3)}\nEXPOSE ${8000 + i - (i % 3)}\n`;
  const cmd = cmdChanged ? '["sh", "/app/run.sh", "--strict"]' : '["sh", "/app/run.sh"]';
  return `FROM ${BASE_IMAGE}\n${label}COPY app /app\nCMD ${cmd}\n`;
}

const RUN_SH = `. /app/app.conf\nif [ "$mode" != serve ] || [ "$1" = --strict ]; then echo "refusing to start: mode $mode $1" >&2; exit 3; fi\necho "serving"; sleep 120\n`;

interface Result {
  culprit: { sha: string };
  builds: number;
  sessionId: string;
  builtAhead?: { built: number; unused: number };
  steps: Array<{ sha: string; role: string }>;
  prior: { kind: string; top: Array<{ sha: string; reasons: string[] }> };
}

describe('the informed search on both kinds of culprit', () => {
  const repos: TestRepo[] = [];

  beforeAll(async () => {
    await requireEngine();
  });

  afterAll(() => {
    for (const r of repos) r.remove();
  });

  /** A history of COMMITS commits: Dockerfile-only commits every third, app commits otherwise; `culprit` breaks it as `kind` says. */
  function history(culprit: number, kind: 'application' | 'dockerfile'): string[] {
    const { repo, shas } = createRepo(
      Array.from({ length: COMMITS }, (_, i) => {
        const broken = i >= culprit;
        const changes: Record<string, string> = {
          Dockerfile: dockerfile(i, kind === 'dockerfile' && broken),
          'app/run.sh': RUN_SH,
          'app/app.conf': `mode=${kind === 'application' && broken ? 'maintenance' : 'serve'}\n`,
        };
        if (i % 3 !== 0 && !(kind === 'dockerfile' && i === culprit)) changes[`app/data-${i}.py`] = `row = ${i}\n`;
        return { subject: i === culprit ? `the culprit (${kind})` : `release ${i}`, changes };
      }),
    );
    repos.push(repo);
    return [repo.dir, ...shas];
  }

  const search = async (dir: string, good: string, bad: string, ...extra: string[]): Promise<Result> => {
    const run = await runCli([good, bad, '--network', 'none', '--probe', 'running:2s', '--json', '--no-cache', ...extra], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Result;
  };

  it('an application culprit among Dockerfile commits: the right commit within ⌈log₂ D⌉ + 2 builds', async () => {
    const [dir, ...shas] = history(10, 'application');
    const result = await search(dir!, shas[0]!, shas[COMMITS - 1]!);
    expect(result.culprit.sha).toBe(shas[10]);
    expect(result.prior.kind).toBe('risk');
    const bound = Math.ceil(Math.log2(COMMITS - 1)) + 2;
    expect(result.builds).toBeLessThanOrEqual(bound);
    console.log(`application culprit: ${result.builds} builds (bound ${bound}), built ahead ${JSON.stringify(result.builtAhead)}`);
    // The next candidates were built while one was probed; those not needed are gone with the rest.
    expect(result.builtAhead?.built).toBeGreaterThan(0);
    expect(result.builtAhead!.unused).toBeLessThanOrEqual(result.builtAhead!.built);
    const docker = await requireEngine();
    const filters = { label: [`${LABEL_SESSION}=${result.sessionId}`] };
    expect(await docker.listImages({ all: true, filters })).toEqual([]);
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  }, 300_000);

  it("a Dockerfile culprit: found with the prior in fewer builds than git's halving, the culprit first in the prior", async () => {
    const [dir, ...shas] = history(11, 'dockerfile');
    const risk = await search(dir!, shas[0]!, shas[COMMITS - 1]!);
    const uniform = await search(dir!, shas[0]!, shas[COMMITS - 1]!, '--prior', 'uniform');
    expect(risk.culprit.sha).toBe(shas[11]);
    expect(uniform.culprit.sha).toBe(shas[11]);
    expect(risk.prior.top[0]!.sha).toBe(shas[11]);
    expect(risk.prior.top[0]!.reasons.join(' ')).toMatch(/CMD changed/);
    expect(risk.builds).toBeLessThan(uniform.builds);
    console.log(`Dockerfile culprit: ${risk.builds} builds with --prior risk, ${uniform.builds} with uniform`);
  }, 300_000);
});
