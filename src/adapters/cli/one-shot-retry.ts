import { isRefractError, isRetryable, RefractError } from '../../domain/index.ts';
import type { Clock, Logger } from '../../ports/index.ts';
import { ONE_SHOT_RETRY, retryBounded, type RetryPolicy } from '../../runtime/retry.ts';
import { createPinoLogger } from '../logging/pino-logger.ts';
import { createSystemClock } from '../memory/system-clock.ts';

/** Runs one step of a one-shot command, retrying what may pass by itself. */
export type OneShotRetry = <T>(what: string, work: () => Promise<T>) => Promise<T>;

export interface OneShotRetryDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly policy?: RetryPolicy;
}

/**
 * Retries for commands that run once and exit (`topics init`, `vectors init`, `publish`, the
 * server preparation of `run` and `demo`): a server that is restarting (a broker whose bookies
 * are not back yet answers 500) gets about half a minute. Every retry is logged with its
 * attempt and backoff; a failure no retry fixes (a refusal, bad configuration) ends at once.
 * Past the bound the last error is thrown, saying how often it was tried, so the command
 * exits non-zero with a message that names the step.
 */
export function oneShotRetry(deps: OneShotRetryDeps = {}): OneShotRetry {
  const clock = deps.clock ?? createSystemClock();
  const logger = deps.logger ?? createPinoLogger();
  const policy = deps.policy ?? ONE_SHOT_RETRY;
  return async (what, work) => {
    try {
      return await retryBounded(work, { policy, clock, logger, what });
    } catch (error) {
      if (!isRetryable(error) || !isRefractError(error)) throw error;
      throw new RefractError(error.code, `${what} failed ${policy.maxAttempts} times, giving up: ${error.message}`, { ...error.details, attempts: policy.maxAttempts }, { cause: error });
    }
  };
}
