import { createMemoryLogger } from '../../../src/adapters/memory/memory-logger.ts';
import { oneShotRetry } from '../../../src/adapters/cli/one-shot-retry.ts';
import { RefractError } from '../../../src/domain/index.ts';
import type { Clock } from '../../../src/ports/index.ts';

/** A clock whose sleeps end at once and are remembered, so a test of eight attempts takes no time. */
export function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => 0, sleep: (ms) => { slept.push(ms); return Promise.resolve(); } };
}

/** The one-shot retry with a memory logger and an instant clock, and what they saw. */
export function recordedRetry() {
  const logger = createMemoryLogger();
  const clock = instantClock();
  return { retry: oneShotRetry({ logger, clock }), logger, clock };
}

/** What Pulsar answered while its bookies were not back after a kill -9. */
export const bookiesDown = () =>
  new RefractError('LOG.UNAVAILABLE', 'Pulsar admin API at http://127.0.0.1:8080 answered 500 to PUT /admin/v2/persistent/refract/banking/persons: Not enough non-faulty bookies available', { status: 500 });
