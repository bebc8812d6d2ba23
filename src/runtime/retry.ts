import { isRetryable } from '../domain/index.ts';
import type { Clock, Logger } from '../ports/index.ts';

/** How a piece of work is retried: exponential backoff with full jitter, up to a bound. */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all (the first one included) before the caller is told it is exhausted. */
  readonly maxAttempts: number;
}

/** The runner's bound on one batch before it isolates items or reports the leg unhealthy. */
export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 6 };

/** One-shot commands (`topics init`, `publish`, …): about half a minute of retries, then exit. */
export const ONE_SHOT_RETRY: RetryPolicy = { initialDelayMs: 250, maxDelayMs: 5_000, maxAttempts: 8 };

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What is being tried, for the log lines ("graph store write", "topics init"). */
  readonly what: string;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  /** Which errors are worth another attempt; by default the retryable RefractErrors. */
  readonly retryIf?: (error: unknown) => boolean;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `work` until it succeeds, fails with an error `retryIf` refuses, or has failed
 * `policy.maxAttempts` times; then the last error is thrown. Every retry is logged with its
 * attempt and backoff, and giving up is logged too: no retry is silent, none is endless.
 * An abort ends the wait and rethrows the last error, leaving the work undone.
 */
export async function retryBounded<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock, logger, what, signal } = options;
  const retryIf = options.retryIf ?? isRetryable;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (attempt > 1) logger.info(`${what}: succeeded after ${attempt} attempts`, { what, attempt });
      return result;
    } catch (error) {
      if (!retryIf(error) || signal?.aborted) throw error;
      if (attempt >= policy.maxAttempts) {
        logger.error(`${what}: still failing after ${attempt} attempts, giving up: ${errorText(error)}`, { what, attempt, error: errorText(error), code: codeOf(error) });
        throw error;
      }
      const delayMs = backoff(policy, attempt, random);
      logger.warn(`${what}: attempt ${attempt} of ${policy.maxAttempts} failed, retrying in ${delayMs} ms: ${errorText(error)}`, {
        what, attempt, maxAttempts: policy.maxAttempts, delayMs, error: errorText(error), code: codeOf(error),
      });
      options.onRetry?.(error, attempt, delayMs);
      await clock.sleep(delayMs, signal);
      if (signal?.aborted) throw error;
    }
  }
}

/** Full jitter: a random wait up to the capped exponential delay of this attempt (1-based). */
export function backoff(policy: RetryPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(1, Math.round(cap * random()));
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};
