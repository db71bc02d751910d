import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Most integration and end-to-end time is spent waiting on containers (builds, probes, timeouts):
    // three files at once on these 2-core machines (vitest's default would be one; two took 20 minutes).
    maxWorkers: 3,
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default'],
  },
});
