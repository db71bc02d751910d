import { expect } from 'vitest';

import { ExitCode, UsageError } from '../../src/errors.js';

/** Runs `fn`, expects it to throw a UsageError with the usage exit code (2), and returns that error. */
export function expectUsageError(fn: () => unknown): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(ExitCode.usage);
  expect((caught as UsageError).exitCode).toBe(2);
  return caught as UsageError;
}

/** The message of the UsageError `fn` must throw (see expectUsageError). */
export function usageMessage(fn: () => unknown): string {
  return expectUsageError(fn).message;
}
