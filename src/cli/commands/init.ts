import { writeStarterConfig } from '../../session/starter-config.js';
import type { CommandAction } from '../command.js';

export const init: CommandAction<Record<string, never>> = async (_args, settings, io) => {
  const written = await writeStarterConfig(settings.repo, settings.force);
  io.write(
    `wrote ${written.path}:\n${JSON.stringify(written.config, null, 2)}\n${written.reasons.map((r) => `- ${r}`).join('\n')}\ncheck it with: deploybisect test HEAD`,
  );
  io.ctx.exitCode = 0;
};
