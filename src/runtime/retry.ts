import { isRetryable } from '../domain/index.ts';
import type { Clock } from '../ports/index.ts';

export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 10_000 };

/**
 * Runs `work` until it succeeds or fails with a non-retryable error. Retryable errors wait
 * with exponential backoff and full jitter, for as long as it takes: the caller holds its
 * batch meanwhile, which pauses consumption (backpressure). An abort ends the wait and
 * rethrows the last error, leaving the batch unacked for redelivery.
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  options: { policy: RetryPolicy; clock: Clock; signal?: AbortSignal; random: () => number; onRetry?: (error: unknown) => void },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetryable(error) || options.signal?.aborted) throw error;
      options.onRetry?.(error);
      const cap = Math.min(options.policy.maxDelayMs, options.policy.initialDelayMs * 2 ** Math.min(attempt, 30));
      await options.clock.sleep(Math.max(1, Math.round(cap * options.random())), options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
