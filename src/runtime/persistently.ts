import { isRetryable } from '../domain/index.ts';
import type { Clock, Logger } from '../ports/index.ts';
import type { HealthTracker } from './leg-health.ts';
import { errorText, retryBounded, type RetryPolicy } from './retry.ts';

export interface PersistentlyOptions {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly health: HealthTracker;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly onRetry?: (error: unknown) => void;
  /** Called once when the bound is passed and the leg starts holding its work. */
  readonly onHold?: () => Promise<void>;
}

/**
 * For work that must eventually happen and that no item is to blame for (a dead-letter send,
 * an ack, a receive): retried with the bound of `policy`, logged at every attempt; past the
 * bound the leg reports itself degraded and keeps trying, round after round, holding its
 * backlog, until the work succeeds (healthy again), fails with an error no retry fixes
 * (thrown: the leg stops) or the leg is aborted (thrown: nothing more is acked).
 */
export async function persistently<T>(what: string, work: () => Promise<T>, options: PersistentlyOptions): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      const result = await retryBounded(work, { ...options, what, ...(options.onRetry ? { onRetry: options.onRetry } : {}) });
      if (round > 1) options.health.healthy();
      return result;
    } catch (error) {
      if (!isRetryable(error) || options.signal?.aborted) throw error;
      if (round === 1) await options.onHold?.();
      options.health.degraded(`${what}: ${errorText(error)}`);
      options.logger.error(`${what}: the leg is degraded and holds its backlog; retrying (round ${round + 1})`, { what, round, error: errorText(error) });
    }
  }
}
