import { runDoctor } from '../../session/doctor/doctor.js';
import { printResult } from '../action.js';
import type { CommandAction } from '../command.js';
import { renderDoctor } from '../render/doctor.js';

export const doctor: CommandAction<Record<string, never>> = async (_args, settings, io) => {
  const report = await runDoctor(settings);
  // ready: a search can run here.
  const result = { status: report.problems.length === 0 ? 'ready' : 'not-ready', ...report };
  printResult(io, settings, result, {
    quiet: (r) => [...r.problems, ...r.warnings].join('\n') || 'ok',
    text: (r) => renderDoctor(r, io.paint),
  });
  io.ctx.exitCode = report.problems.length === 0 ? 0 : 1;
};
