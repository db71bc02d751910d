/**
 * GitHub Actions hand-offs, used when their variables are set: the Markdown report appended to the
 * job's summary (GITHUB_STEP_SUMMARY), and step outputs (GITHUB_OUTPUT) in its `name<<delimiter`
 * form, which holds multi-line values. Any other CI uses --json and --report.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/** Appends `markdown` to the step summary when GITHUB_STEP_SUMMARY names a file. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

/** Writes step outputs when GITHUB_OUTPUT names a file. */
export function writeStepOutputs(outputs: Record<string, string>, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `deploybisect_${randomBytes(8).toString('hex')}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(file, text);
}
