import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { cleanAll } from '../session/test-commit.js';
import { STATUS_EXIT } from './exit-status.js';
import { configurableOptions, loadConfig, toOptionValue } from './config-file.js';
import { appendStepSummary, writeStepOutputs } from './github-actions.js';
import { writeStarterConfig } from './init-config.js';
import { bisectWith, testCommitWith } from '../api.js';
import { runDemo } from '../demo/run-demo.js';
import { LAST_GOOD_REF, readLastGood, writeLastGood } from '../session/last-good.js';
import { resolveCommit } from '../git/refs.js';
import { optionsFor, type CommandName } from './options.js';
import { colorEnabled, painter } from './render/color.js';
import { progressReporter } from './render/progress.js';
import { renderExplainResult, renderQuiet, renderSummary, renderTestResult } from './render/summary.js';
import { toEngineOptions, toEvaluatorOptions, toFlakyOptions, toStateOptions, toOutputOptions, toSourceOptions, type RawOptions } from './to-options.js';
import { explainRange } from '../session/explain-range.js';
import { renderReport } from './render/report.js';
import { reproduceCommand } from './reproduce.js';
import { checkReportPath, writeReport } from './write-report.js';
import { redactor } from '../session/redact.js';
import { logOfRange, parseLog } from '../session/state-log.js';
import { ExitCode, UsageError } from '../errors.js';
import type { BisectResult } from '../session/result.js';
import { join, resolve as resolvePath } from 'node:path';

export interface CliContext {
  signal: AbortSignal;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Set by the action: the process exit code. */
  exitCode: number;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function addOptions(command: Command, name: CommandName | 'replay'): Command {
  for (const spec of optionsFor(name)) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.repeatable) option.argParser(collect);
    else if (spec.defaultValue !== undefined && typeof spec.defaultValue !== 'boolean') option.default(spec.defaultValue);
    command.addOption(option);
  }
  return command;
}

/**
 * Sets every option the command line left unset from the config file (validated first: one line per
 * problem, exit 2). Keys the command has no option for are left alone (the file serves all commands).
 */
/** Options naming files of the user's own (not of the repository's commits): relative to the config file. */
const CONFIG_RELATIVE_PATHS = new Set(['envFile', 'report', 'cacheDir', 'lastGoodFile']);

function applyConfig(command: Command): void {
  // init writes the config (an invalid one must not stop it); the demo's repository is its own.
  if (command.name() === 'init' || command.name() === 'demo') return;
  const raw = command.opts() as { repo?: string; config?: string | false };
  if (raw.config === false) return;
  const config = loadConfig(raw.repo ?? '.', raw.config);
  if (!config) return;
  const specs = configurableOptions();
  for (const option of command.options) {
    const key = option.attributeName();
    const spec = specs.get(key);
    if (!spec || !(key in config.values)) continue;
    if (command.getOptionValueSource(key) === 'cli') continue;
    let value = toOptionValue(spec, config.values[key]);
    // Files the config names are where the config is, not where the command runs.
    if (CONFIG_RELATIVE_PATHS.has(key)) value = Array.isArray(value) ? value.map((v) => resolvePath(config.dir, v)) : resolvePath(config.dir, value as string);
    command.setOptionValueWithSource(key, value, 'config');
  }
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
    .exitOverride()
    // The config file fills in what the command line did not say.
    .hook('preAction', (_program, action) => applyConfig(action));

  const write = (text: string): void => {
    ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const paint = painter(colorEnabled(ctx.stdout));

  /** `run` and `replay`: the search, its report and its output. */
  const runSearch = async (
    good: string,
    bad: string,
    raw: RawOptions,
    replayMarks?: Array<{ ref: string; verdict: 'good' | 'bad' | 'skip' }>,
  ): Promise<{ result: BisectResult; markdown: string }> => {
    const output = toOutputOptions(raw);
    const evaluation = toEvaluatorOptions(raw);
    if (raw.report) checkReportPath(raw.report);
    // Bad flake and state options are said before any progress is printed.
    toFlakyOptions(raw);
    toStateOptions(raw);
    if (replayMarks && raw.flaky) throw new UsageError('replay cannot be used with --flaky: a flake-aware search weighs runs, not verdicts');
    const progress = progressReporter(output);
    try {
      const result = await bisectWith(raw, good, bad, { signal: ctx.signal, events: progress, ...(replayMarks ? { marks: replayMarks } : {}) });
      progress.stop();
      const redact = redactor(evaluation.secrets);
      const reproduce = result.culprit ? redact(reproduceCommand(raw as unknown as Record<string, unknown>, result.culprit.sha)) : undefined;
      const markdown = renderReport(result, reproduce ? { reproduce } : {});
      if (raw.report) {
        const failed = writeReport(raw.report, markdown);
        if (failed) ctx.stderr.write(`deploybisect: ${failed} (the result follows on stdout)\n`);
      }
      if (output.json) write(JSON.stringify(result, null, 2));
      else write(output.quiet ? renderQuiet(result) : renderSummary(result, paint));
      ctx.exitCode = STATUS_EXIT[result.status];
      return { result, markdown };
    } finally {
      progress.stop();
    }
  };

  addOptions(
    program
      .command('run', { isDefault: true })
      .description('bisect <good>..<bad> and name the first commit whose deployment fails (the default command)')
      .argument('<good>', 'a commit whose deployment works')
      .argument('<bad>', 'a later commit whose deployment fails'),
    'run',
  ).action(async (good: string, bad: string, raw: RawOptions) => {
    await runSearch(good, bad, raw);
  });

  addOptions(
    program
      .command('nightly')
      .description(
        'check <ref> (default HEAD): healthy, record it as the last known good and exit 0; broken, bisect from the last known good, report, and exit non-zero (6 when the culprit was found)',
      )
      .argument('[ref]', 'the commit to check', 'HEAD'),
    'nightly',
  ).action(async (ref: string, raw: RawOptions & { good?: string; lastGoodFile?: string }) => {
    const output = toOutputOptions(raw);
    const repoDir = toSourceOptions(raw).repoDir;
    const lastGoodFile = raw.lastGoodFile !== undefined ? resolvePath(raw.lastGoodFile) : undefined;
    // A bad --good or last-good file is said before anything is built.
    const recorded = raw.good === undefined ? await readLastGood(repoDir, lastGoodFile) : undefined;
    const progress = progressReporter(output);
    let checked;
    try {
      checked = await testCommitWith(raw, ref, { signal: ctx.signal, events: progress });
    } finally {
      progress.stop();
    }
    const sha = checked.commit.sha;
    if (checked.outcome.ok) {
      const where = await writeLastGood(repoDir, sha, lastGoodFile);
      const summary = `${sha.slice(0, 12)} ${checked.commit.subject}: healthy (${checked.outcome.signature}); last known good is now ${sha.slice(0, 12)} (${where})`;
      if (output.json) write(JSON.stringify({ status: 'healthy', commit: checked.commit, outcome: checked.outcome, lastGood: sha, recordedIn: where }, null, 2));
      else write(output.quiet ? 'healthy' : summary);
      appendStepSummary(`## deploybisect nightly: healthy\n\n\`${sha.slice(0, 12)}\` ${checked.commit.subject} deploys (${checked.outcome.signature}); it is the last known good now.\n`);
      writeStepOutputs({ status: 'healthy', culprit: '', report: '' });
      ctx.exitCode = 0;
      return;
    }
    const good = raw.good !== undefined ? await resolveCommit(repoDir, raw.good) : recorded;
    if (good === sha) {
      // Nothing to bisect: the commit that was healthy is broken now (a base image, a registry, a flake).
      writeStepOutputs({ status: 'good-is-unhealthy', culprit: '', report: '' });
      ctx.stderr.write(
        `deploybisect: ${sha.slice(0, 12)}, the last known good, is broken now (${checked.outcome.signature}) with no commit since: what changed is outside the repository (a base image, a dependency, the engine) or the deployment is flaky\n`,
      );
      ctx.exitCode = ExitCode.goodIsUnhealthy;
      return;
    }
    if (good === undefined) {
      throw new UsageError(
        `${sha.slice(0, 12)} is broken (${checked.outcome.signature}) and there is no last known good to bisect from: pass --good <commit that deployed>, or keep --last-good-file <file> between runs (a healthy nightly run writes ${lastGoodFile ?? LAST_GOOD_REF})`,
      );
    }
    ctx.stderr.write(`deploybisect: ${sha.slice(0, 12)} is broken (${checked.outcome.signature}); bisecting from the last known good ${good.slice(0, 12)}\n`);
    const { result, markdown } = await runSearch(good, sha, raw);
    appendStepSummary(markdown);
    writeStepOutputs({ status: result.status, culprit: result.culprit?.sha ?? '', report: markdown });
    // Never 0 while <ref> is broken: its own code when the culprit is named, else the search's.
    ctx.exitCode = result.status === 'found' ? ExitCode.nightlyBroken : STATUS_EXIT[result.status];
  });

  addOptions(
    program
      .command('replay')
      .description('continue a search from a log (deploybisect log), edited or not: its verdicts are used instead of evaluating those commits')
      .argument('<file>', 'the log: a `range <good> <bad>` line, then `good|bad|skip <commit>` lines'),
    'replay',
  ).action(async (file: string, raw: RawOptions) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the log ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const log = parseLog(text, file);
    await runSearch(log.good, log.bad, raw, log.marks);
  });

  addOptions(
    program
      .command('log')
      .description('print the verdicts of a search so far (from its saved state), in the form replay reads')
      .argument('<good>', 'the good commit of the search')
      .argument('<bad>', 'the bad commit of the search'),
    'log',
  ).action(async (good: string, bad: string, raw: Pick<RawOptions, 'repo' | 'state' | 'cacheDir'>) => {
    const { repoDir } = toSourceOptions({ ...(raw as RawOptions), file: 'Dockerfile', context: '.' });
    write(
      await logOfRange({
        repoDir,
        good,
        bad,
        ...(raw.state ? { statePath: resolvePath(raw.state) } : {}),
        ...(raw.cacheDir ? { cacheDir: resolvePath(raw.cacheDir) } : {}),
      }),
    );
    ctx.exitCode = 0;
  });

  addOptions(
    program.command('test').description('build and probe one commit; exit 0 when healthy, 1 when not').argument('<commit>', 'the commit to test'),
    'test',
  ).action(async (commit: string, raw: RawOptions) => {
    const output = toOutputOptions(raw);
    const progress = progressReporter(output);
    try {
      const result = await testCommitWith(raw, commit, { signal: ctx.signal, events: progress });
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

  addOptions(
    program
      .command('demo')
      .description('see it work: write the README\'s story (a deployment broken by swapping supervisord for a start script) to a temporary repository and bisect it on the engine'),
    'demo',
  ).action(async (raw: RawOptions) => {
    const output = toOutputOptions(raw);
    const progress = progressReporter(output);
    try {
      const { story, result } = await runDemo(raw, {
        signal: ctx.signal,
        events: progress,
        onStory: (written, base) =>
          progress.notice?.(`the story's repository is ${written.dir} (${written.shas.length} commits, built from ${base}; nothing is pulled)`),
      });
      progress.stop();
      const reportPath = join(story.dir, 'deploybisect-report.md');
      writeReport(reportPath, renderReport(result, {}));
      if (output.json) write(JSON.stringify(result, null, 2));
      else {
        write(output.quiet ? renderQuiet(result) : renderSummary(result, paint));
        if (!output.quiet) {
          write(`\nThe Markdown report: ${reportPath}\nThe repository stays in ${story.dir} for a look (git log, deploybisect explain ${story.culprit.slice(0, 10)}~ ${story.culprit.slice(0, 10)}); remove it when done.`);
        }
      }
      ctx.exitCode = STATUS_EXIT[result.status];
    } finally {
      progress.stop();
    }
  });

  addOptions(
    program.command('init').description('write a starter deploybisect.config.json from the repository: its Dockerfile, EXPOSEd ports and HEALTHCHECK'),
    'init',
  ).action((raw: { repo?: string; force?: boolean; json?: boolean }) => {
    const written = writeStarterConfig(raw.repo ?? '.', Boolean(raw.force));
    write(`wrote ${written.path}:\n${JSON.stringify(written.config, null, 2)}\n${written.reasons.map((r) => `- ${r}`).join('\n')}\ncheck it with: deploybisect test HEAD`);
    ctx.exitCode = 0;
  });

  addOptions(program.command('clean').description('remove every container and image deploybisect labelled, from any run'), 'clean').action(
    async (raw: Pick<RawOptions, 'quiet' | 'json' | 'dockerHost'> & { session?: string }) => {
      if (raw.session !== undefined && !/^[0-9a-f]{8}$/.test(raw.session)) {
        throw new UsageError(`invalid --session '${raw.session}': a session id is 8 hex digits, as in the sessionId of a JSON result`);
      }
      const removed = await cleanAll({ ...(raw.session ? { sessionId: raw.session } : {}), ...toEngineOptions(raw) });
      if (raw.json) write(JSON.stringify(removed));
      else if (!raw.quiet) write(`removed ${removed.containers} container(s) and ${removed.images} image(s)`);
      ctx.exitCode = 0;
    },
  );

  return program;
}

