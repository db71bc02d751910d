import { runDoctor } from '../../session/doctor/doctor.js';
import type { CommandSpec } from '../command.js';
import { renderDoctor } from '../render/doctor.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  description:
    'what deploybisect sees here, one line per check with what to do when it fails: Node.js, git, each engine (versions, Docker or Podman, BuildKit, networks and the network mode a run will use, memory limits), the cache directory, the config file; exit 0 when a search can run, 1 when not',
  async action(_args, settings, io) {
    const report = await runDoctor(settings);
    // ready: a search can run here.
    if (settings.json) io.json({ status: report.problems.length === 0 ? 'ready' : 'not-ready', ...report });
    else if (settings.quiet) io.write([...report.problems, ...report.warnings].join('\n') || 'ok');
    else io.write(renderDoctor(report, io.paint));
    io.ctx.exitCode = report.problems.length === 0 ? 0 : 1;
  },
};
