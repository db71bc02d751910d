/** Values made from several settings, each in one place. */
import type { ResourceLimits } from '../docker/run-container.js';
import { secretTexts } from './build-secrets.js';
import type { Settings } from './settings.js';

/** The container's environment as docker run takes it (KEY=VALUE): env files, then --env, then --secret-env (later wins, as docker run). */
export function containerEnvironment(s: Pick<Settings, 'envFile' | 'env' | 'secretEnv'>): string[] {
  return Object.entries({ ...s.envFile, ...s.env, ...s.secretEnv }).map(([k, v]) => `${k}=${v}`);
}

/** Values never to show: masked as *** in output, outcomes, reports and JSON (`--secret-env`, and `--secret` build secrets). */
export function secretValues(s: Pick<Settings, 'secretEnv' | 'secret'>): string[] {
  return [...Object.values(s.secretEnv), ...secretTexts(s.secret)];
}

/** What the build context of each commit is made from: the repository, the context directory and the Dockerfile (`-C`, `--context`, `-f`). */
export function contextSpec(s: Pick<Settings, 'repo' | 'context' | 'file'>): { repoDir: string; contextDir: string; dockerfile: string } {
  return { repoDir: s.repo, contextDir: s.context, dockerfile: s.file };
}

/** Memory (swap not beyond it), CPUs and processes per container (`--pids-limit 0` = none). */
export function resourceLimits(s: Pick<Settings, 'memory' | 'cpus' | 'pidsLimit'>): ResourceLimits {
  return {
    memoryBytes: s.memory,
    ...(s.cpus !== undefined ? { cpus: s.cpus } : {}),
    ...(s.pidsLimit > 0 ? { pidsLimit: s.pidsLimit } : {}),
  };
}
