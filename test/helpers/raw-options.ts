import type { RawOptions } from '../../src/cli/to-options.js';

/** What commander hands over for `run`/`test` with every default, for the repository `repo`. */
export function rawOptions(repo: string, overrides: Partial<RawOptions> = {}): RawOptions {
  return {
    repo,
    file: 'Dockerfile',
    context: '.',
    network: 'bridge',
    expectStatus: '2xx',
    timeout: '60s',
    memory: '1g',
    pidsLimit: '512',
    ...overrides,
  };
}
