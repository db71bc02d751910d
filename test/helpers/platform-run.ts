/**
 * A search over a platform history (test/fixtures/platform-history.ts) as a user runs it: the built
 * CLI, `GOOD BAD --network host` and nothing else that decides the deployment (`--json` and
 * `--report` only choose the output), and the checks every platform's run must pass.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

import { LABEL_SESSION } from '../../src/docker/labels.js';
import type { History } from '../fixtures/platform-history.js';
import { requireEngine } from './docker-engine.js';
import { runCli, type CliRun } from './run-cli.js';

export interface PlatformRun {
  run: CliRun;
  /** The JSON result (`--json`). */
  result: any;
  /** The Markdown report (`--report`). */
  report: string;
  /** stderr's lines without their `deploybisect: ` prefix. */
  lines: string[];
}

/**
 * `deploybisect GOOD BAD --network host --json --report FILE` in the history's repository, with `args`
 * added; `cacheDir` is the run's XDG_CACHE_HOME (a fresh one, removed after, when not given).
 */
export async function runPlatform(h: History, args: readonly string[] = [], options: { cacheDir?: string } = {}): Promise<PlatformRun> {
  await requireEngine();
  const out = mkdtempSync(join(tmpdir(), 'deploybisect-platform-report-'));
  try {
    const reportPath = join(out, 'report.md');
    const run = await runCli([h.good, h.bad, '--network', 'host', '--json', '--report', reportPath, ...args], {
      cwd: h.repo.dir,
      ...(options.cacheDir ? { env: { XDG_CACHE_HOME: options.cacheDir } } : {}),
    });
    let result: any;
    try {
      result = JSON.parse(run.stdout);
    } catch {
      throw new Error(`no JSON result (exit ${run.code}):\n${run.stderr}`);
    }
    return { run, result, report: readFileSync(reportPath, 'utf8'), lines: stderrLines(run.stderr) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function stderrLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^deploybisect: /, ''));
}

/** The lines the run says before its first evaluation, after the session line: how it deploys. */
export function deploymentLines(lines: readonly string[]): string[] {
  const session = lines.findIndex((line) => /^session \w+: /.test(line));
  const first = lines.findIndex((line) => /^\[1[,\]]/.test(line));
  expect(session, lines.join('\n')).toBeGreaterThanOrEqual(0);
  return lines.slice(session + 1, first < 0 ? undefined : first);
}

/**
 * The run's first lines about its deployment are `expected` (the contract's line, then the notes), on
 * stderr and in the JSON result's `deployment`.
 */
export function expectFirstLines(r: PlatformRun, expected: readonly string[]): void {
  expect(deploymentLines(r.lines)).toEqual(expected);
  const [first, ...rest] = expected;
  const contract = first?.startsWith('deploying as ') === true;
  expect(r.result.deployment).toEqual({ ...(contract ? { line: first } : {}), notes: contract ? rest : expected });
}

/** Exit 0, found, and the culprit is the history's. */
export function expectCulprit(r: PlatformRun, h: History): void {
  expect(r.run.code, r.run.stderr).toBe(0);
  expect(r.result.status).toBe('found');
  expect(r.result.culprit.sha).toBe(h.culprit);
  expect(r.report).toContain(`First bad commit: ${h.culprit.slice(0, 12)}`);
}

/**
 * The culprit is the commit whose manifest does not parse: exit 0, judged bad in the deploy phase without a
 * build, the parse error (`why`, with its file, line and column) its one line of evidence and the run's
 * first line, and the signature naming the platform that would not deploy it. Returns the error line.
 */
export function expectRefusedCulprit(r: PlatformRun, h: History, platform: string, why: string | RegExp): string {
  expectCulprit(r, h);
  const failure = r.result.culprit.outcome;
  expect(failure).toMatchObject({ ok: false, phase: 'deploy', built: false });
  expect(failure.logTail).toHaveLength(1);
  const line: string = failure.logTail[0];
  if (typeof why === 'string') expect(line).toBe(why);
  else expect(line).toMatch(why);
  expect(failure.signature).toBe(`${platform} would not deploy it: ${line}`);
  expectFirstLines(r, [`${line} (the bad commit's manifest: its deployment fails)`]);
  return line;
}

/**
 * Every outcome that was deployed (built, or failed to build) names the contract it was deployed by:
 * the platform and the manifest at that commit (one of `manifest`); one the platform refused has none.
 */
export function expectContracts(r: PlatformRun, platform: string, manifest: string | readonly string[]): void {
  const manifests = typeof manifest === 'string' ? [manifest] : manifest;
  const outcomes = [...r.result.steps.map((s: any) => s.outcome), r.result.culprit?.outcome].filter(Boolean);
  for (const outcome of outcomes) {
    if (outcome.phase === 'deploy') {
      expect(outcome.contract).toBeUndefined();
      continue;
    }
    expect(outcome.contract, JSON.stringify(outcome)).toMatchObject({ platform });
    expect(manifests).toContain(outcome.contract.manifest.path);
    expect(outcome.contract.manifest.blob).toMatch(/^[0-9a-f]{40}$/);
    expect(outcome.contract.line).toMatch(/^deploying as .* would: /);
  }
}

/** The manifest findings of the culprit's explanation, as `kind: summary`. */
export function manifestFindings(r: PlatformRun): string[] {
  return (r.result.culprit.explanation?.findings ?? [])
    .filter((f: any) => f.stage === '(manifest)')
    .map((f: any) => `${f.kind}: ${f.summary}`);
}

/** No container or image with the run's session label is left on the engine. */
export async function expectNothingLeft(r: PlatformRun): Promise<void> {
  const docker = await requireEngine();
  const label = [`${LABEL_SESSION}=${r.result.sessionId}`];
  expect(r.result.sessionId).toMatch(/^\w+$/);
  expect(await docker.listContainers({ all: true, filters: { label } })).toEqual([]);
  expect(await docker.listImages({ filters: { label } })).toEqual([]);
}

/** In a describe block: the history `make` returns, searched once before its tests (removed after). */
export function searchedHistory(make: () => History): { h: History; r: PlatformRun } {
  const state = {} as { h: History; r: PlatformRun };
  beforeAll(async () => {
    state.h = make();
    state.r = await runPlatform(state.h);
  }, 120_000);
  afterAll(() => state.h?.repo.remove());
  return state;
}
