/**
 * Real git repositories of a given history shape, for tests; and a runner of the real
 * `git bisect run` in them, the oracle the bisection core is checked against.
 *
 * Repositories are written with one `git fast-import` (fast, deterministic: fixed author,
 * committer and dates, so the same shape always gives the same object names).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface DagNode {
  name: string;
  /** Names of parents (first parent first); must appear earlier in the list. */
  parents: string[];
  /** Committer and author timestamp in seconds; default: 1_700_000_000 + 60 × position. */
  date?: number;
}

export interface DagRepo {
  dir: string;
  /** node name → full sha */
  sha: Map<string, string>;
  /** full sha → node name */
  name: Map<string, string>;
  cleanup(): Promise<void>;
}

/** Environment that keeps the user's and system's git configuration out of the tests. */
export const isolatedGitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  LANGUAGE: 'C',
};

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function git(dir: string, args: string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: dir,
      env: isolatedGitEnv,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', reject);
      child.stdin.end(input);
    }
  });
}

async function gitOk(dir: string, args: string[], input?: string): Promise<string> {
  const r = await git(dir, args, input);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export const DEFAULT_BASE_DATE = 1_700_000_000;

/** Creates a repository whose history has exactly the given shape; `main` points at `head` (default: last node). */
export async function createDagRepo(nodes: DagNode[], opts: { head?: string } = {}): Promise<DagRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'deploybisect-dag-'));
  try {
    await gitOk(dir, ['init', '-q', '-b', 'main']);
    const mark = new Map<string, number>();
    const chunks: string[] = [];
    const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
    nodes.forEach((node, i) => {
      if (mark.has(node.name)) throw new Error(`duplicate node ${node.name}`);
      const date = node.date ?? DEFAULT_BASE_DATE + 60 * i;
      const ident = `Dag Tester <dag@example.test> ${date} +0000`;
      if (node.parents.length === 0) chunks.push('reset refs/heads/dag-build\n');
      chunks.push(`commit refs/heads/dag-build\nmark :${i + 1}\nauthor ${ident}\ncommitter ${ident}\n`);
      chunks.push(data(`node ${node.name}`));
      node.parents.forEach((p, k) => {
        const m = mark.get(p);
        if (m === undefined) throw new Error(`node ${node.name}: parent ${p} must come earlier`);
        chunks.push(`${k === 0 ? 'from' : 'merge'} :${m}\n`);
      });
      chunks.push('deleteall\nM 644 inline node.txt\n', data(node.name), '\n');
      mark.set(node.name, i + 1);
    });
    const head = opts.head ?? nodes[nodes.length - 1]?.name;
    const headMark = head === undefined ? undefined : mark.get(head);
    if (headMark === undefined) throw new Error(`unknown head ${String(head)}`);
    chunks.push(`reset refs/heads/main\nfrom :${headMark}\n\n`);
    const marksFile = path.join(dir, '.git', 'dag-marks');
    await gitOk(dir, ['fast-import', '--quiet', `--export-marks=${marksFile}`], chunks.join(''));
    await gitOk(dir, ['update-ref', '-d', 'refs/heads/dag-build']);
    await gitOk(dir, ['reset', '-q', '--hard', 'main']);

    const byMark = new Map<number, string>();
    for (const line of (await readFile(marksFile, 'utf8')).split('\n')) {
      const m = /^:(\d+) ([0-9a-f]+)$/.exec(line.trim());
      if (m) byMark.set(Number(m[1]), m[2] as string);
    }
    const sha = new Map<string, string>();
    const name = new Map<string, string>();
    for (const [n, m] of mark) {
      const s = byMark.get(m);
      if (!s) throw new Error(`fast-import exported no sha for ${n}`);
      sha.set(n, s);
      name.set(s, n);
    }
    return { dir, sha, name, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Shapes

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** c0 ← c1 ← … ← c(n-1) */
export function linearDag(n: number): DagNode[] {
  return Array.from({ length: n }, (_, i) => ({ name: `c${i}`, parents: i === 0 ? [] : [`c${i - 1}`] }));
}

/**
 * A mainline m0…m(n-1) with `branches` topic branches, each forking from the mainline and merged
 * back a few commits later (merge commits are on the mainline, side branch is the second parent).
 */
export function mergeDag(mainline: number, branches: { from: number; length: number; mergeAt: number }[]): DagNode[] {
  const nodes: DagNode[] = [];
  for (let i = 0; i < mainline; i++) {
    for (const [b, br] of branches.entries()) {
      if (br.from + 1 === i) {
        for (let k = 0; k < br.length; k++) {
          nodes.push({ name: `b${b}_${k}`, parents: [k === 0 ? `m${br.from}` : `b${b}_${k - 1}`] });
        }
      }
    }
    const merged = branches.flatMap((br, b) => (br.mergeAt === i ? [`b${b}_${br.length - 1}`] : []));
    nodes.push({ name: `m${i}`, parents: i === 0 ? [] : [`m${i - 1}`, ...merged] });
  }
  return nodes;
}

/**
 * Criss-cross merges: two branches a and b that merge each other repeatedly, so later commits
 * have two merge bases. Ends with a merge of both.
 */
export function crissCrossDag(rounds: number): DagNode[] {
  const nodes: DagNode[] = [{ name: 'root', parents: [] }];
  let a = 'root';
  let b = 'root';
  for (let r = 0; r < rounds; r++) {
    nodes.push({ name: `a${r}`, parents: [a] }, { name: `b${r}`, parents: [b] });
    nodes.push({ name: `ax${r}`, parents: [`a${r}`, `b${r}`] }, { name: `bx${r}`, parents: [`b${r}`, `a${r}`] });
    a = `ax${r}`;
    b = `bx${r}`;
  }
  nodes.push({ name: 'tip', parents: [a, b] });
  return nodes;
}

/**
 * A random history: several lines of work forking from random commits and merging each other
 * (sometimes octopus merges), all merged into a final `tip`. `dates`: 'increasing' (unique),
 * 'ties' (three commits per timestamp), 'same' (one timestamp for all, as in scripted or rebased
 * histories) or 'skewed' (random, clock skew included).
 */
export function randomDag(
  seed: number,
  size: number,
  opts: { mergeRate?: number; forkRate?: number; dates?: 'increasing' | 'ties' | 'same' | 'skewed' } = {},
): DagNode[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const mergeRate = opts.mergeRate ?? 0.2;
  const forkRate = opts.forkRate ?? 0.15;
  const nodes: DagNode[] = [{ name: 'n0', parents: [] }];
  let tips = ['n0'];
  for (let i = 1; i < size - 1; i++) {
    const name = `n${i}`;
    const r = rnd();
    if (r < mergeRate && tips.length >= 2) {
      const first = pick(tips);
      const others = tips.filter((t) => t !== first);
      const second = pick(others);
      const parents = [first, second];
      if (rnd() < 0.15 && others.length >= 2) parents.push(pick(others.filter((t) => t !== second)));
      nodes.push({ name, parents });
      tips = [...tips.filter((t) => !parents.includes(t)), name];
    } else if (r < mergeRate + forkRate) {
      nodes.push({ name, parents: [pick(nodes).name] });
      tips.push(name);
    } else {
      const tip = pick(tips);
      nodes.push({ name, parents: [tip] });
      tips = tips.map((t) => (t === tip ? name : t));
    }
  }
  const last = `n${size - 1}`;
  nodes.push({ name: last, parents: tips.length > 0 ? tips : ['n0'] });
  // dedupe parents (a fork from a tip that is merged with itself is impossible, but keep it safe)
  for (const n of nodes) n.parents = [...new Set(n.parents)];
  const dating = opts.dates ?? 'increasing';
  nodes.forEach((n, i) => {
    if (dating === 'ties') n.date = DEFAULT_BASE_DATE + 60 * Math.floor(i / 3);
    else if (dating === 'same') n.date = DEFAULT_BASE_DATE;
    else if (dating === 'skewed') n.date = DEFAULT_BASE_DATE + Math.floor(rnd() * 60 * size);
  });
  return nodes;
}

/** Names of the ancestors of `of` (itself included), through all parents or only first parents. */
export function ancestorsOf(nodes: DagNode[], of: string, firstParentOnly = false): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = new Set<string>();
  const stack = [of];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (out.has(n)) continue;
    out.add(n);
    const parents = byName.get(n)?.parents ?? [];
    stack.push(...(firstParentOnly ? parents.slice(0, 1) : parents));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The oracle

export type Verdict = 'good' | 'bad' | 'skip';

export type GitBisectOutcome =
  { kind: 'found'; culprit: string; tested: string[] } | { kind: 'inconclusive'; candidates: string[]; tested: string[] };

/**
 * Runs the real `git bisect start [--first-parent] <bad> <good>…` and `git bisect run` in the
 * repository, with a script answering from `verdicts` (sha → verdict; missing: bad) for
 * `git rev-parse HEAD`. Returns git's conclusion and the commits it tested, in order.
 */
export async function runGitBisect(
  repo: DagRepo,
  bad: string,
  goods: string[],
  verdicts: ReadonlyMap<string, Verdict>,
  opts: { firstParent?: boolean } = {},
): Promise<GitBisectOutcome> {
  const work = await mkdtemp(path.join(tmpdir(), 'deploybisect-oracle-'));
  try {
    const answers = path.join(work, 'answers');
    await mkdir(answers);
    await Promise.all([...verdicts].map(([sha, v]) => writeFile(path.join(answers, sha), v === 'good' ? '0' : v === 'skip' ? '125' : '1')));
    const log = path.join(work, 'tested');
    const script = path.join(work, 'verdict.sh');
    await writeFile(
      script,
      [
        '#!/bin/sh',
        'h=$(git rev-parse HEAD)',
        `echo "$h" >> '${log}'`,
        `f='${answers}'/"$h"`,
        'if [ -f "$f" ]; then exit "$(cat "$f")"; fi',
        'exit 1',
        '',
      ].join('\n'),
    );
    await chmod(script, 0o755);

    const start = await git(repo.dir, ['bisect', 'start', ...(opts.firstParent ? ['--first-parent'] : []), bad, ...goods, '--']);
    if (start.code !== 0) throw new Error(`git bisect start failed: ${start.stderr}${start.stdout}`);
    let output = start.stdout;
    if (!/is the first bad commit/.test(output)) {
      const run = await git(repo.dir, ['bisect', 'run', script]);
      output = run.stdout + run.stderr;
    }
    await git(repo.dir, ['bisect', 'reset', '-q']);
    let tested: string[] = [];
    try {
      tested = (await readFile(log, 'utf8')).split('\n').filter((l) => l.length > 0);
    } catch {
      tested = [];
    }
    const found = /^([0-9a-f]{40,64}) is the first bad commit$/m.exec(output);
    if (found) return { kind: 'found', culprit: found[1] as string, tested };
    const any = /The first bad commit could be any of:\n((?:[0-9a-f]{40,64}\n)+)/.exec(output);
    if (any) {
      const candidates = (any[1] as string).split('\n').filter((l) => l.length > 0);
      return { kind: 'inconclusive', candidates, tested };
    }
    throw new Error(`cannot parse git bisect output:\n${output}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
