/**
 * What a Dockerfile does with dev dependencies: the installs that leave them out (`npm ci --omit=dev`,
 * `npm install --production`, `yarn install --production`, `pnpm install --prod`, `npm prune
 * --production`, or any npm/yarn/pnpm install under `NODE_ENV=production`), stage by stage; and
 * whether a shell command runs a given program, directly, through npx, or through a package.json
 * script (`npm run build` → `tsc -p .`). Pure.
 */
import { parseDockerfile, type DockerStage } from '../dockerfile/model.js';
import { runScript } from '../dockerfile/run-script.js';
import { programName, shellCommands } from '../dockerfile/shell-commands.js';

export interface ProductionInstall {
  /** The stage's key (name, else index), as findings name stages. */
  stage: string;
  line: number;
  /** "npm ci --omit=dev", or "npm ci under NODE_ENV=production (line 3)". */
  how: string;
}

const OMITS_DEV = /^(?:--production(?:=true)?|--omit=dev|--only=prod(?:uction)?|--prod|-P)$/;
const INSTALLS: Record<string, string[]> = {
  npm: ['ci', 'install', 'i', 'prune'],
  yarn: ['install', 'focus', ''],
  pnpm: ['install', 'i', 'prune'],
};

/** The ENV/ARG line that sets NODE_ENV=production in a stage or the stages it builds on, before `line`. */
function nodeEnvLine(stages: readonly DockerStage[], stage: DockerStage, before: number): number | undefined {
  for (let s: DockerStage | undefined = stage; s; s = stages.find((p) => p.key === s!.image.toLowerCase() && p !== s)) {
    const found = s.instructions.filter(
      (i) =>
        (i.keyword === 'ENV' || i.keyword === 'ARG') && (s !== stage || i.line < before) && /\bNODE_ENV[= ]"?production\b/.test(i.text),
    );
    if (found.length > 0) return found.at(-1)!.line;
  }
  return undefined;
}

/** Every install in the Dockerfile that leaves dev dependencies out. */
export function productionInstalls(dockerfile: string): ProductionInstall[] {
  const model = parseDockerfile(dockerfile);
  const out: ProductionInstall[] = [];
  for (const stage of model.stages) {
    for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
      const script = runScript(run);
      const inline = /\bNODE_ENV=production\b/.test(script);
      for (const command of shellCommands(script)) {
        const program = programName(command[0] ?? '');
        const sub = command.slice(1).find((w) => !w.startsWith('-')) ?? '';
        if (!(program in INSTALLS) || !INSTALLS[program]!.includes(sub === 'workspaces' ? 'focus' : sub)) continue;
        const text = command.join(' ');
        if (command.some((w) => OMITS_DEV.test(w))) out.push({ stage: stage.key, line: run.line, how: `\`${text}\`` });
        else if (inline) out.push({ stage: stage.key, line: run.line, how: `\`NODE_ENV=production ${text}\`` });
        else {
          const env = nodeEnvLine(model.stages, stage, run.line);
          if (env !== undefined && sub !== 'prune')
            out.push({ stage: stage.key, line: run.line, how: `\`${text}\` under NODE_ENV=production (line ${env})` });
        }
      }
    }
  }
  return out;
}

const RUNNERS: Record<string, string[]> = { npm: ['run', 'run-script'], yarn: ['run', ''], pnpm: ['run', ''], bun: ['run'] };
const LIFECYCLE = new Set(['start', 'test', 'build']);

/**
 * How a shell command line runs `program`, or undefined: "runs tsc" when it calls it, "`npm run build`
 * runs `tsc -p .`" when a script does.
 */
export function howItRuns(commandLine: string, program: string, scripts: Readonly<Record<string, string>>): string | undefined {
  for (const words of shellCommands(commandLine)) {
    const name = programName(words[0] ?? '');
    if (name === program) return `runs ${program}`;
    if (['npx', 'pnpx', 'bunx'].includes(name) || ((name === 'pnpm' || name === 'yarn') && words[1] === 'exec')) {
      if (words.slice(1).find((w) => !w.startsWith('-') && w !== 'exec') === program) return `runs ${program}`;
    }
    const runner = RUNNERS[name];
    if (!runner) continue;
    const args = words.slice(1).filter((w) => !w.startsWith('-'));
    const script =
      runner.includes(args[0] ?? '') && args[0] !== '' ? args[1] : LIFECYCLE.has(args[0] ?? '') || name !== 'npm' ? args[0] : undefined;
    const body = script !== undefined ? scripts[script] : undefined;
    if (
      body !== undefined &&
      new RegExp(`(^|[\\s;&|(])(?:npx\\s+)?${program.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s;&|)])`).test(body)
    ) {
      return `\`${words.join(' ')}\` runs the script \`${body}\``;
    }
  }
  return undefined;
}
