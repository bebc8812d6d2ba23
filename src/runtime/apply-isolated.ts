import { isRefractError, isRetryable, RefractError } from '../domain/index.ts';
import type { Logger } from '../ports/index.ts';
import type { HealthTracker } from './leg-health.ts';
import type { RunnerDeps, RunnerOptions } from './leg.ts';
import { errorText, retryBounded } from './retry.ts';
import type { LegSink, SinkResult } from './sink.ts';

/** A message the store would not take, or that a projection could not turn into commands. */
export interface ItemFailure {
  readonly index: number;
  readonly error: unknown;
  /** rejected: the store said the item is bad; failed: it failed alone while the store answered; projection: a projection threw. */
  readonly kind: 'rejected' | 'failed' | 'projection';
}

export interface ApplyContext<C> {
  readonly leg: string;
  readonly sink: LegSink<C>;
  readonly deps: RunnerDeps;
  readonly options: RunnerOptions;
  readonly logger: Logger;
  readonly health: HealthTracker;
  /** Commands of each message still to write, by message index. */
  readonly commandsOf: ReadonlyMap<number, readonly C[]>;
  /** Key of each message, for log lines. */
  readonly keyOf: (index: number) => string;
  /** Counts a failure against the batch; throws LEG.STOPPED once the tolerance is passed. */
  readonly fail: (failure: ItemFailure) => void;
  readonly record: (result: SinkResult, owners: readonly number[]) => void;
  readonly onRetry: (error: unknown) => void;
  /** The batch waits for its store: it is no longer the messages' fault if the process dies now. */
  readonly onHold: () => Promise<void>;
}

export const isConfigError = (error: unknown) => isRefractError(error) && error.code.startsWith('CONFIG.');
const isRejected = (error: unknown) => isRefractError(error) && error.code === 'STORE.REJECTED';

/**
 * Writes the commands of `pending` messages (docs/adr/0012). The whole batch is tried first,
 * with bounded retries for transient errors. If it still fails, either the store as a whole
 * does not answer (a point lookup fails): the batch is held, the leg degraded, nothing blamed
 * on the items; or it answers: each message is tried alone, with its own bounded retries, so
 * one bad item (a rejected write, a text the model cannot embed, an unknown error that follows
 * one message) is dead-lettered and its neighbours are written. Configuration errors stop the
 * leg at once; an unrecognised error while the store does not answer stops it too.
 */
export async function applyIsolated<C>(ctx: ApplyContext<C>, initial: readonly number[]): Promise<void> {
  const { deps, options, logger, health } = ctx;
  let pending = initial.filter((index) => (ctx.commandsOf.get(index)?.length ?? 0) > 0);
  const retry = (what: string, policy = options.retry, retryIf: (e: unknown) => boolean = isRetryable) => ({
    policy, clock: deps.clock, logger, what, retryIf, onRetry: ctx.onRetry,
    ...(options.signal ? { signal: options.signal } : {}), ...(deps.random ? { random: deps.random } : {}),
  });
  const write = (indices: readonly number[]) => {
    const owners: number[] = [];
    const commands: C[] = [];
    for (const index of indices) for (const command of ctx.commandsOf.get(index) ?? []) {
      commands.push(command);
      owners.push(index);
    }
    return { owners, run: () => ctx.sink.apply(commands), sample: commands };
  };

  for (let round = 1; pending.length > 0; round++) {
    const whole = write(pending);
    let error: unknown;
    try {
      ctx.record(await retryBounded(whole.run, retry(`${ctx.leg} store write of ${pending.length} messages`)), whole.owners);
      health.healthy();
      return;
    } catch (caught) {
      error = caught;
    }
    if (isConfigError(error) || options.signal?.aborted) throw error;
    if (isRetryable(error) && !(await answers(ctx, whole.sample))) {
      await hold(ctx, `${ctx.leg} store does not answer: ${errorText(error)}`, round);
      continue;
    }

    // The store answers: find out which messages it will not take.
    logger.warn(`${ctx.leg}: the batch failed as a whole (${errorText(error)}); trying its ${pending.length} messages one by one`, { error: errorText(error) });
    const suspects: ItemFailure[] = [];
    for (const index of pending) {
      const alone = write([index]);
      const what = `${ctx.leg} store write of message ${ctx.keyOf(index)}`;
      try {
        ctx.record(await retryBounded(
          alone.run,
          retry(what, { ...options.retry, maxAttempts: options.itemAttempts }, (e) => !isConfigError(e) && !isRejected(e)),
        ), alone.owners);
      } catch (single) {
        if (isConfigError(single) || options.signal?.aborted) throw single;
        if (isRejected(single)) ctx.fail({ index, error: single, kind: 'rejected' });
        else suspects.push({ index, error: single, kind: 'failed' });
      }
    }
    if (suspects.length === 0) {
      health.healthy();
      return;
    }
    if (await answers(ctx, write(suspects.map((s) => s.index)).sample)) {
      // They fail alone while the store answers: the fault follows them.
      for (const suspect of suspects) ctx.fail(suspect);
      health.healthy();
      return;
    }
    const unknown = suspects.find((s) => !isRetryable(s.error));
    if (unknown) {
      throw new RefractError('LEG.STOPPED', `${ctx.leg}: the store fails as a whole with an error the adapter does not recognise: ${errorText(unknown.error)}`, { leg: ctx.leg }, { cause: unknown.error });
    }
    pending = suspects.map((s) => s.index);
    await hold(ctx, `${ctx.leg} store does not answer: ${errorText(suspects[0]?.error)}`, round);
  }
}

/** Does the store (and the embedder, for the vector leg) still answer a point lookup? */
async function answers<C>(ctx: ApplyContext<C>, sample: readonly C[]): Promise<boolean> {
  try {
    await ctx.sink.check(sample);
    return true;
  } catch (error) {
    ctx.logger.warn(`${ctx.leg}: the store does not answer a point lookup: ${errorText(error)}`, { error: errorText(error) });
    return false;
  }
}

async function hold<C>(ctx: ApplyContext<C>, reason: string, round: number): Promise<void> {
  await ctx.onHold();
  ctx.health.degraded(reason);
  const wait = ctx.options.retry.maxDelayMs;
  ctx.logger.error(`${reason}; the leg is degraded and holds its backlog; trying again in ${wait} ms (round ${round + 1})`, { reason, round });
  await ctx.deps.clock.sleep(wait, ctx.options.signal);
  if (ctx.options.signal?.aborted) throw new RefractError('STORE.UNAVAILABLE', `${reason} (stopped while waiting)`);
}
