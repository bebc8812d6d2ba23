import { defineConfig } from 'vitest/config';

/**
 * Two projects, chosen by file suffix (see docs/adr/0001):
 * - unit: *.unit.test.ts, *.prop.test.ts, in-memory contract runs; no servers.
 * - integration: *.int.test.ts against real servers, which the global setup finds or starts.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts', 'test/**/*.prop.test.ts', 'test/**/*.e2e.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/services.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
