/**
 * What `--json` prints: one document on stdout, the result of the command with its `status`, under
 * `schemaVersion` (raised when a field changes meaning or goes away; new fields do not raise it); an
 * error as `{"error": {"code", "exitCode", "message"}}` in its place.
 */
import { CommanderError } from 'commander';

import { DeployBisectError, ExitCode, GitError, InfrastructureError, UsageError } from '../errors.js';

export const JSON_SCHEMA_VERSION = 1;

export function jsonDocument(result: { status: string }): string {
  return JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...result }, null, 2);
}

/** Whether the command line asks for JSON (`--json` before a `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The error as a JSON document: `code` says what kind of failure it is, `exitCode` the process's. */
export function jsonError(error: unknown, exitCode: number): string {
  // One message: commander's `error: ` and the `deploybisect: ` of each further line (a config's problems) dropped.
  const message = (error instanceof Error ? error.message : String(error)).replace(/^error: /, '').replace(/\ndeploybisect: /g, '\n');
  return JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, error: { code: errorCode(error), exitCode, message } }, null, 2);
}

function errorCode(error: unknown): string {
  if (error instanceof UsageError || error instanceof CommanderError) return 'usage';
  if (error instanceof InfrastructureError) return 'infrastructure';
  if (error instanceof GitError) return 'git';
  if (error instanceof DeployBisectError) {
    const name = Object.entries(ExitCode).find(([, code]) => code === error.exitCode)?.[0];
    return name === undefined ? 'internal' : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  }
  return 'internal';
}
