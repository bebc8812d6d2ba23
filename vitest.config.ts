import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ChaosLastSequencer } from './test/support/chaos-last.sequencer.ts';
import { secureStackEnv } from './test/support/secure-stack.ts';
import { suiteStack } from './test/support/suite-stack.ts';

/** `refract` (the examples' import) is src/index.ts, never a stale dist/ (docs/adr/0016). */
const REFRACT_FROM_SOURCE = [{ find: /^refract$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }];

/**
 * Three projects, chosen by file suffix (see docs/adr/0001):
 * - unit: *.unit.test.ts, *.prop.test.ts, in-memory contract runs; no servers.
 * - integration: *.int.test.ts against real servers of the suite's own (docs/adr/0011), which
 *   the global setup finds or starts. Its workers get the suite's REFRACT_SERVICES_DIR, ports
 *   and server URLs, so nothing in a test falls back to a default port. Chaos tests, which
 *   restart the servers, run last (ChaosLastSequencer) and alone (fileParallelism: false).
 * - secure: *.secure.test.ts against Pulsar, JanusGraph and OpenSearch secured with TLS and
 *   credentials (docs/adr/0022), on a stack of its own that its global setup finds or starts.
 *   `npm test` runs it after the other two, never beside them.
 */
export default defineConfig({
  test: {
    sequence: { sequencer: ChaosLastSequencer },
    projects: [
      {
        resolve: { alias: REFRACT_FROM_SOURCE },
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts', 'test/**/*.prop.test.ts', 'test/**/*.e2e.test.ts'],
          // Commands under test that serve metrics take any free port, not a runner's 9464.
          env: { REFRACT_METRICS_PORT: '0' },
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias: REFRACT_FROM_SOURCE },
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/services.global-setup.ts'],
          env: { ...suiteStack().env },
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias: REFRACT_FROM_SOURCE },
        test: {
          name: 'secure',
          include: ['test/**/*.secure.test.ts'],
          globalSetup: ['test/support/secure.global-setup.ts'],
          env: secureStackEnv(),
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
