/**
 * Which repository paths the builder received at a commit: what the build context plan sends
 * (after .dockerignore), plus the Dockerfile and the ignore file wherever they live. A side
 * without a plan (no Dockerfile or no context directory there) is judged by the other side's
 * .dockerignore rules.
 */
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

import type { BuildContextPlan } from '../../git/build-context.js';
import { parseDockerignore, type IgnoreMatcher } from '../../git/dockerignore.js';
import { gitOutput } from '../../git/git-exec.js';
import { decodeGitText } from '../../git/path-bytes.js';
import { joinRepoPath, normalizeRepoPath } from '../../git/repo-path.js';
import { isWithin } from '../../text/path-within.js';

/** Whether a repository path was sent to the builder, before and after the change. */
export interface SentToBuilder {
  before: (path: string) => boolean;
  after: (path: string) => boolean;
}

/** Who received what at each side, from the plans of both sides (undefined: no plan there). */
export async function sentToBuilder(
  repoDir: string,
  contextDir: string,
  dockerfilePath: string | undefined,
  beforePlan: BuildContextPlan | undefined,
  afterPlan: BuildContextPlan | undefined,
): Promise<SentToBuilder> {
  if (beforePlan && afterPlan) {
    return { before: sentSet(beforePlan, contextDir, dockerfilePath), after: sentSet(afterPlan, contextDir, dockerfilePath) };
  }
  if (beforePlan || afterPlan) {
    const plan = (beforePlan ?? afterPlan)!;
    const byRules = await sentByRules(repoDir, plan, contextDir, dockerfilePath);
    const bySet = sentSet(plan, contextDir, dockerfilePath);
    return { before: beforePlan ? bySet : byRules, after: afterPlan ? bySet : byRules };
  }
  const inside = (path: string) => isWithin(contextDir, path) || path === dockerfilePath;
  return { before: inside, after: inside };
}

/** Membership in what a plan sends, as repository paths (the Dockerfile and ignore file included wherever they live). */
function sentSet(plan: BuildContextPlan, contextDir: string, dockerfilePath: string | undefined): (path: string) => boolean {
  const sent = new Set<string>();
  for (const entry of plan.entries) {
    if (entry.type === 'file' || entry.type === 'symlink') sent.add(joinRepoPath(contextDir, entry.path));
  }
  for (const path of alwaysSent(plan, dockerfilePath)) sent.add(path);
  return (path) => sent.has(path);
}

/** Membership by a plan's rules: inside the context and not excluded by its ignore file. */
async function sentByRules(
  repoDir: string,
  plan: BuildContextPlan,
  contextDir: string,
  dockerfilePath: string | undefined,
): Promise<(path: string) => boolean> {
  const always = new Set(alwaysSent(plan, dockerfilePath));
  always.add(joinRepoPath(contextDir, '.dockerignore'));
  let matcher: IgnoreMatcher | undefined;
  if (plan.ignoreFile !== undefined) {
    const text = isAbsolute(plan.ignoreFile)
      ? await readFile(plan.ignoreFile).then(decodeGitText, () => undefined)
      : await gitOutput(repoDir, ['cat-file', 'blob', `${plan.commit}:${plan.ignoreFile}`]).then(decodeGitText, () => undefined);
    if (text !== undefined) matcher = parseDockerignore(text);
  }
  return (path) => {
    if (always.has(path)) return true;
    if (!isWithin(contextDir, path)) return false;
    return !matcher?.ignores(contextDir === '' ? path : path.slice(contextDir.length + 1));
  };
}

/** The Dockerfile and the ignore file a plan used, as repository paths (they are always sent). */
function alwaysSent(plan: BuildContextPlan, dockerfilePath: string | undefined): string[] {
  const paths: string[] = [];
  if (dockerfilePath !== undefined) paths.push(dockerfilePath);
  if (plan.ignoreFile !== undefined && !isAbsolute(plan.ignoreFile)) paths.push(plan.ignoreFile);
  return paths;
}

/** The Dockerfile's path in the repository, or undefined for a Dockerfile outside it. */
export async function dockerfileRepoPath(repoDir: string, contextDir: string, dockerfile: string): Promise<string | undefined> {
  if (dockerfile === '') return undefined;
  if (!isAbsolute(dockerfile)) {
    try {
      const path = normalizeRepoPath(joinRepoPath(contextDir, dockerfile), 'Dockerfile path');
      return path === '' ? undefined : path;
    } catch {
      return undefined; // planBuildContext reports the bad path
    }
  }
  try {
    const top = (await gitOutput(repoDir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
    if (top === '') return undefined;
    const rel = relative(await realpath(top), await realpath(dockerfile));
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
  } catch {
    return undefined; // bare repository, or no such file
  }
}
