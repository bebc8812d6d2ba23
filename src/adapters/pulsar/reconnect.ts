import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { isRefractError, isRetryable, RefractError } from '../../domain/index.ts';
import type { Logger } from '../../ports/index.ts';

export interface ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Give up on an unreachable broker after this long (Infinity: never, for consumers that must resume). */
  readonly giveUpAfterMs: number;
  /**
   * How long a 409 (ProducerBusy, ConsumerBusy) is retried. Our own previous connection can
   * hold the name for a moment after it dropped; past this grace the name really is taken.
   */
  readonly busyGraceMs: number;
  /** Where each retry is said, with its attempt and backoff: reconnecting is never silent. */
  readonly logger?: Logger;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 100, maxDelayMs: 5_000, giveUpAfterMs: 30_000, busyGraceMs: 5_000 };

/**
 * Runs `open` until it succeeds, retrying an unreachable broker with exponential backoff and
 * jitter (cockatiel) and a busy name for a short grace; anything else is a refusal and is
 * thrown at once. Giving up rethrows the last error, saying for how long it was tried. An
 * aborted `signal` rejects at once (cockatiel would sleep out its backoff first); an attempt
 * still running then is left to finish, so `open` must dispose of what it opens too late.
 */
export async function openWithBackoff<T>(open: () => Promise<T>, policy: ReconnectPolicy, signal?: AbortSignal, what = 'connecting to Pulsar'): Promise<T> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const busy = (e: unknown) => isRefractError(e) && e.details['busy'] === true;
  const worthRetrying = (e: unknown) =>
    !signal?.aborted && ((isRetryable(e) && elapsed() < policy.giveUpAfterMs) || (busy(e) && elapsed() < policy.busyGraceMs));
  const attempts = retry(handleWhen(worthRetrying), {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    backoff: new ExponentialBackoff({ initialDelay: policy.initialDelayMs, maxDelay: policy.maxDelayMs }),
  });
  const listener = attempts.onRetry((reason) => {
    const error = 'error' in reason ? reason.error : undefined;
    const text = error instanceof Error ? error.message : String(error);
    policy.logger?.warn(`${what}: attempt ${reason.attempt} failed, retrying in ${Math.round(reason.delay)} ms: ${text}`, { what, attempt: reason.attempt, delayMs: Math.round(reason.delay), error: text });
  });
  const running = attempts.execute(open, signal);
  let stopWaiting = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    const onAbort = () => reject(new RefractError('LOG.UNAVAILABLE', 'stopped connecting to Pulsar: closed', {}));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stopWaiting = () => signal.removeEventListener('abort', onAbort);
  });
  void running.catch(() => undefined); // when an abort wins the race, nobody awaits this any more
  try {
    return await Promise.race([running, aborted]);
  } catch (error) {
    if (!isRefractError(error) || elapsed() < 1_000) throw error;
    throw new RefractError(error.code, `${error.message} (tried for ${Math.round(elapsed() / 1000)} s)`, error.details, { cause: error });
  } finally {
    stopWaiting();
    listener.dispose();
  }
}
