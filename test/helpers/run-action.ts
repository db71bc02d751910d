/**
 * Runs the steps of a composite GitHub Action (action.yml) as the runner would, for tests: each
 * `run:` step with bash (`--noprofile --norc -eo pipefail`), its `${{ inputs.* }}`, `${{ github.* }}`
 * and `${{ steps.*.outputs.* }}` expressions substituted (in `run`, `env` and `name`), the GitHub
 * environment files set (GITHUB_OUTPUT per step, GITHUB_STEP_SUMMARY), a failed step skipping
 * the following ones unless they say `if: always()`; then the action's outputs from its `value`s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

export interface ActionFile {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface ActionRun {
  /** The first failing step's exit code, else 0. */
  code: number;
  outputs: Record<string, string>;
  summary: string;
  /** Every step's stdout and stderr, in order. */
  log: string;
}

export function readAction(path: string): ActionFile {
  return parse(readFileSync(path, 'utf8')) as ActionFile;
}

/** Step outputs as GitHub reads GITHUB_OUTPUT: `name=value` lines and `name<<delimiter … delimiter` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      found[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (/^[\w-]+=/.test(line)) found[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return found;
}

export async function runAction(
  actionDir: string,
  given: Record<string, string>,
  call: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<ActionRun> {
  const action = readAction(join(actionDir, 'action.yml'));
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  for (const name of Object.keys(given)) if (!(name in action.inputs)) throw new Error(`the action has no input ${name}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, given[name] ?? spec.default ?? '']));
  const scratch = mkdtempSync(join(tmpdir(), 'deploybisect-action-'));
  const summaryFile = join(scratch, 'summary.md');
  writeFileSync(summaryFile, '');
  const steps: Record<string, Record<string, string>> = {};
  const expand = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
      const input = /^inputs\.([\w-]+)$/.exec(expression);
      if (input) return inputs[input[1]!] ?? '';
      if (expression === 'github.action_path') return actionDir;
      if (expression === 'github.workspace') return call.cwd;
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
      if (output) return steps[output[1]!]?.[output[2]!] ?? '';
      throw new Error(`expression not handled by the test runner: ${expression}`);
    });
  let code = 0;
  let log = '';
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      if (step.if !== undefined && step.if !== 'always()') throw new Error(`condition not handled by the test runner: ${step.if}`);
      if (code !== 0 && step.if !== 'always()') continue;
      if (step.run === undefined || step.shell !== 'bash') throw new Error(`step ${step.name ?? index}: only bash run steps are handled`);
      const outputFile = join(scratch, `output-${index}`);
      writeFileSync(outputFile, '');
      const env = {
        ...process.env,
        ...call.env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))])),
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: actionDir,
        GITHUB_WORKSPACE: call.cwd,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
      };
      const script = join(scratch, `step-${index}.sh`);
      writeFileSync(script, expand(step.run));
      const result = await bash(script, call.cwd, env);
      log += `## ${expand(step.name ?? `step ${index}`)} (exit ${result.code})\n${result.output}`;
      if (step.id) steps[step.id] = parseOutputFile(readFileSync(outputFile, 'utf8'));
      if (result.code !== 0 && code === 0) code = result.code;
    }
    const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, spec]) => [name, expand(spec.value)]));
    return { code, outputs, summary: readFileSync(summaryFile, 'utf8'), log };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
