import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { runBisect } from '../session/run-bisect.js';
import { cleanAll, testCommit } from '../session/test-commit.js';
import { STATUS_EXIT } from './exit-status.js';
import { optionsFor, type CommandName } from './options.js';
import { colorEnabled, painter } from './render/color.js';
import { progressReporter } from './render/progress.js';
import { renderExplainResult, renderQuiet, renderSummary, renderTestResult } from './render/summary.js';
import { toCacheDir, toEngineOptions, toEvaluatorOptions, toFlakyOptions, toJobs, toOutputOptions, toRegression, toSourceOptions, type RawOptions } from './to-options.js';
import { explainRange } from '../session/explain-range.js';
import { renderReport } from './render/report.js';
import { reproduceCommand } from './reproduce.js';
import { checkReportPath, writeReport } from './write-report.js';
import { redactor } from '../session/redact.js';

export interface CliContext {
  signal: AbortSignal;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Set by the action: the process exit code. */
  exitCode: number;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function addOptions(command: Command, name: CommandName): Command {
  for (const spec of optionsFor(name)) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.repeatable) option.argParser(collect);
    else if (spec.defaultValue !== undefined && typeof spec.defaultValue !== 'boolean') option.default(spec.defaultValue);
    command.addOption(option);
  }
  return command;
}

function packageVersion(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function createProgram(ctx: CliContext): Command {
  const program = new Command('deploybisect')
    .description('Find the commit that broke a Docker deployment: build, run and probe images of candidate commits, and bisect.')
    .version(packageVersion(), '--version')
    .addHelpText('after', '\nWithout a command, `deploybisect <good> <bad>` runs the search: see `deploybisect run --help` for its options.')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      // One style for every error line: `deploybisect: <message>`.
      outputError: (s, write) => write(`${s.replace(/^error: /, 'deploybisect: ').trimEnd()} (see deploybisect --help)\n`),
    })
    // Before the subcommands are added, so they inherit it: parse errors become exit 2 in main.ts.
    .exitOverride();

  const write = (text: string): void => {
    ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const paint = painter(colorEnabled(ctx.stdout));

  addOptions(
    program
      .command('run', { isDefault: true })
      .description('bisect <good>..<bad> and name the first commit whose deployment fails (the default command)')
      .argument('<good>', 'a commit whose deployment works')
      .argument('<bad>', 'a later commit whose deployment fails'),
    'run',
  ).action(async (good: string, bad: string, raw: RawOptions) => {
    const output = toOutputOptions(raw);
    const evaluation = toEvaluatorOptions(raw);
    if (raw.report) checkReportPath(raw.report);
    const progress = progressReporter(output);
    try {
      const result = await runBisect(
        {
          ...evaluation,
          good,
          bad,
          regression: toRegression(raw),
          firstParent: Boolean(raw.firstParent),
          verify: raw.verify !== false,
          keepImages: Boolean(raw.keepImages),
          ...(raw.jobs !== undefined ? { jobs: toJobs(raw) } : {}),
          ...toEngineOptions(raw),
          ...toCacheDir(raw),
          ...toFlakyOptions(raw),
          signal: ctx.signal,
        },
        progress,
      );
      progress.stop();
      if (raw.report) {
        const redact = redactor(evaluation.secrets);
        const reproduce = result.culprit ? redact(reproduceCommand(raw as unknown as Record<string, unknown>, result.culprit.sha)) : undefined;
        const failed = writeReport(raw.report, renderReport(result, reproduce ? { reproduce } : {}));
        if (failed) ctx.stderr.write(`deploybisect: ${failed} (the result follows on stdout)\n`);
      }
      if (output.json) write(JSON.stringify(result, null, 2));
      else write(output.quiet ? renderQuiet(result) : renderSummary(result, paint));
      ctx.exitCode = STATUS_EXIT[result.status];
    } finally {
      progress.stop();
    }
  });

  addOptions(
    program.command('test').description('build and probe one commit; exit 0 when healthy, 1 when not').argument('<commit>', 'the commit to test'),
    'test',
  ).action(async (commit: string, raw: RawOptions) => {
    const output = toOutputOptions(raw);
    const progress = progressReporter(output);
    try {
      const result = await testCommit(
        { ...toEvaluatorOptions(raw), commit, keepImages: Boolean(raw.keepImages), ...toCacheDir(raw), ...toEngineOptions(raw), signal: ctx.signal },
        progress,
      );
      progress.stop();
      if (output.json) write(JSON.stringify(result, null, 2));
      else if (output.quiet) write(result.outcome.ok ? 'healthy' : `unhealthy: ${result.outcome.signature}`);
      else write(renderTestResult(result, paint));
      ctx.exitCode = result.outcome.ok ? 0 : 1;
    } finally {
      progress.stop();
    }
  });

  addOptions(
    program
      .command('explain')
      .description('what changed in the deployment between two commits: Dockerfile findings and changed files (no Docker needed)')
      .argument('<good>', 'the commit that worked')
      .argument('<bad>', 'the commit that broke'),
    'explain',
  ).action(async (good: string, bad: string, raw: RawOptions) => {
    const result = await explainRange({ ...toSourceOptions(raw), good, bad });
    if (raw.json) write(JSON.stringify(result, null, 2));
    else if (raw.quiet) write(result.explanation.findings.map((f) => f.summary).join('\n') || 'no Dockerfile changes');
    else write(renderExplainResult(result, paint));
    ctx.exitCode = 0;
  });

  addOptions(program.command('clean').description('remove every container and image deploybisect labelled, from any run'), 'clean').action(
    async (raw: Pick<RawOptions, 'quiet' | 'json' | 'dockerHost'> & { session?: string }) => {
      const removed = await cleanAll({ ...(raw.session ? { sessionId: raw.session } : {}), ...toEngineOptions(raw) });
      if (raw.json) write(JSON.stringify(removed));
      else if (!raw.quiet) write(`removed ${removed.containers} container(s) and ${removed.images} image(s)`);
      ctx.exitCode = 0;
    },
  );

  return program;
}

