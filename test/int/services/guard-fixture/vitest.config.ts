import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * A nested test run for user-stack-guard.int.test.ts: the integration project's real global
 * setup, with REFRACT_SERVICES=none, around one fixture test that may write to a server the
 * suite does not own. Never part of the main run (its file is not a *.test.ts).
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../../../', import.meta.url)),
  test: {
    include: ['test/int/services/guard-fixture/*.fixture.ts'],
    globalSetup: ['test/support/services.global-setup.ts'],
    hookTimeout: 120_000,
  },
});
