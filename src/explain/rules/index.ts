/**
 * Every rule that compares a stage of the old Dockerfile with its counterpart in the new one, in
 * the order their findings are listed before they are put in line order (a stable sort: for
 * findings on the same line, this order stays).
 */
import { diffBaseImage } from './base-image.js';
import { diffCommands } from './commands.js';
import { diffCopies } from './copies.js';
import type { DiffRule } from './diff-rule.js';
import { diffDirectories } from './directories.js';
import { diffImageConfig } from './image-config.js';
import { diffPackages } from './packages.js';
import { diffRuns } from './runs.js';
import { diffUsers } from './users.js';
import { diffVariables } from './variables.js';

export const STAGE_RULES: readonly DiffRule[] = [
  diffBaseImage,
  diffPackages,
  diffDirectories,
  diffCopies,
  diffRuns,
  diffUsers,
  diffVariables,
  diffImageConfig,
  diffCommands,
];
