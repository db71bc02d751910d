import { noCounts } from '../../docker/labelled-objects.js';
import { UsageError } from '../../errors.js';
import { listForClean } from '../../session/clean-sessions.js';
import { askYesNo, onTerminal } from '../ask.js';
import type { CommandAction } from '../command.js';
import { SIGNAL_EXIT } from '../exit-status.js';
import { cleanJson, cleanSummary, countsText, renderCleanList, type CleanStatus } from '../render/clean.js';

/** Why nothing is removed without --all or --session, and what to say instead. */
const refusal = (json: boolean) =>
  new UsageError(
    `${json ? 'with --json' : 'not on a terminal'}, so not asking: pass --all to remove every session listed, or --session <id> to remove one (--dry-run only lists)`,
  );

export const clean: CommandAction<Record<string, never>> = async (_args, settings, io) => {
  const scoped = settings.all || settings.session !== undefined;
  const asks = !scoped && !settings.dryRun && !settings.json && onTerminal(process.stdin, io.ctx.stdout);
  const refuses = !scoped && !settings.dryRun && !asks;
  // With nothing to show (JSON, quiet), refuse before looking at the engines.
  if (refuses && (settings.json || settings.quiet)) throw refusal(settings.json);
  const listing = await listForClean(settings);
  const { plan } = listing;
  if (!settings.json && !settings.quiet) io.write(renderCleanList(plan, listing.endpoints, settings.given.olderThan as string | undefined));
  if (refuses) throw refusal(false);

  let status: CleanStatus = settings.dryRun ? 'dry-run' : 'removed';
  let removed = noCounts();
  if (asks && plan.remove.length > 0) {
    const question = `remove ${countsText(plan.counts)} of ${plan.remove.length === 1 ? 'this session' : `these ${plan.remove.length} sessions`}? [y/N] `;
    const answer = await askYesNo(question, { input: process.stdin, output: io.ctx.stderr, signal: io.ctx.signal });
    if (answer !== 'yes') status = 'declined';
    if (answer === 'interrupted') io.ctx.exitCode = SIGNAL_EXIT.SIGINT;
  }
  if (status === 'removed') removed = await listing.remove();
  if (settings.json) io.json(cleanJson(status, plan, removed));
  else io.write(cleanSummary(status, plan, removed));
};
