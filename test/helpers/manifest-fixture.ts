/** Manifest fixtures (test/fixtures/manifests/) as the readers take them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

import type { DeploymentContract, FileText } from '../../src/contract/contract.js';
import type { ReadFailure } from '../../src/contract/source/problem.js';
import type { ReadResult } from '../../src/contract/source/read-result.js';

const DIR = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

/** The fixture at `fixture` (relative to test/fixtures/manifests/), as the file `path` of a repository. */
export function manifest(fixture: string, path: string): FileText {
  return { path, blob: `blob-of-${path}`, text: readFileSync(DIR + fixture, 'utf8') };
}

export function inline(path: string, text: string): FileText {
  return { path, blob: `blob-of-${path}`, text };
}

export function contractOf(result: ReadResult): DeploymentContract {
  if (!result.ok) expect.fail(`expected a contract, got ${JSON.stringify(result.failure)}`);
  return result.contract;
}

export function failureOf(result: ReadResult): ReadFailure {
  if (result.ok) expect.fail(`expected a failure, got a contract for ${result.contract.service}`);
  return result.failure;
}
