/** Every command, in the order `--help` lists them. */
import type { CommandSpec } from '../command.js';
import { cleanCommand } from './clean.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { explainCommand } from './explain.js';
import { initCommand } from './init.js';
import { logCommand } from './log.js';
import { narrowCommand } from './narrow.js';
import { nightlyCommand } from './nightly.js';
import { replayCommand } from './replay.js';
import { runCommand } from './run.js';
import { testCommand } from './test.js';

/** The commands' names (what a first argument that is no revision may mean). */
export const COMMAND_NAMES = ['run', 'nightly', 'replay', 'log', 'test', 'narrow', 'explain', 'demo', 'doctor', 'init', 'clean'] as const;

export const COMMANDS: readonly CommandSpec[] = [
  runCommand,
  nightlyCommand,
  replayCommand,
  logCommand,
  testCommand,
  narrowCommand,
  explainCommand,
  demoCommand,
  doctorCommand,
  initCommand,
  cleanCommand,
];
