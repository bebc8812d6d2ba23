import { decodeEvent, isRefractError, isRetryable, type EntityEvent, type RefractError } from '../domain/index.ts';
import type { Target, TargetCommands } from '../projections/projection.ts';
import type { DeadLetter, ReceivedMessage } from '../ports/index.ts';
import type { Leg, RunnerDeps, RunnerOptions } from './leg.ts';
import type { LegStats } from './leg-stats.ts';
import { retryTransient } from './retry.ts';
import type { SinkResult } from './sink.ts';

interface Projected<C> {
  readonly commands: C[];
  /** For each command, the index of the message it came from. */
  readonly owners: number[];
}

/** How the runner treats a failure that belongs to one message. */
type Verdict = 'permanent' | 'unknown';

/**
 * One batch, start to finish. Bad input (decoding, a store's per-item rejection) becomes a
 * dead letter at once; transient errors are retried in place; a configuration error stops
 * the leg with nothing acked; any other error isolates the batch into single messages, so
 * one poison message never takes its neighbours down: it is nacked, and dead-lettered with
 * its stack after `maxRedeliveries`. Acks go out only after the store write and the dead
 * letters are durable.
 */
export async function processBatch<T extends Target>(
  leg: Leg<T>,
  deps: RunnerDeps,
  options: RunnerOptions,
  messages: readonly ReceivedMessage[],
  stats: LegStats,
): Promise<void> {
  const { metrics } = deps;
  const dead: DeadLetter[] = [];
  const nacked = new Set<number>();
  stats.received += messages.length;
  metrics.count('events_received', leg.name, messages.length);
  metrics.count('events_redelivered', leg.name, messages.filter((m) => m.redeliveryCount > 0).length);

  const givenUp = new Set<number>();
  const giveUp = (index: number, error: unknown, verdict: Verdict) => {
    const message = messages[index];
    if (!message || givenUp.has(index)) return;
    givenUp.add(index);
    if (verdict === 'permanent' || message.redeliveryCount >= options.maxRedeliveries) dead.push(letter(leg.name, message, error));
    else nacked.add(index);
  };
  const transient = <R>(work: () => Promise<R>) =>
    retryTransient(work, {
      policy: options.retry,
      clock: deps.clock,
      random: deps.random ?? Math.random,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: () => {
        stats.storeRetries += 1;
        metrics.count('store_retries', leg.name);
      },
    });

  const projected = project(leg, deps, messages, giveUp);
  try {
    record(leg.name, deps, stats, await transient(() => leg.sink.apply(projected.commands)), projected.owners, giveUp);
  } catch (error) {
    if (isRetryable(error) || isConfigError(error)) throw error; // aborted while the store was down, or misconfigured
    for (const index of new Set(projected.owners)) {
      const own = projected.commands.filter((_, i) => projected.owners[i] === index);
      try {
        record(leg.name, deps, stats, await transient(() => leg.sink.apply(own)), own.map(() => index), giveUp);
      } catch (single) {
        if (isRetryable(single) || isConfigError(single)) throw single;
        giveUp(index, single, isRefractError(single) && single.code === 'STORE.REJECTED' ? 'permanent' : 'unknown');
      }
    }
  }

  if (dead.length) {
    await transient(() => deps.deadLetters.send(dead));
    stats.deadLettered += dead.length;
    metrics.count('events_dead_lettered', leg.name, dead.length);
  }
  const toAck = messages.filter((_, i) => !nacked.has(i));
  if (toAck.length) await transient(() => deps.subscription.ack(toAck));
  if (nacked.size) {
    stats.nacked += nacked.size;
    await transient(() => deps.subscription.nack(messages.filter((_, i) => nacked.has(i))));
  }
}

const isConfigError = (error: unknown) => isRefractError(error) && error.code.startsWith('CONFIG.');

function project<T extends Target>(
  leg: Leg<T>,
  deps: RunnerDeps,
  messages: readonly ReceivedMessage[],
  giveUp: (index: number, error: unknown, verdict: Verdict) => void,
): Projected<TargetCommands[T]> {
  const commands: TargetCommands[T][] = [];
  const owners: number[] = [];
  messages.forEach((message, index) => {
    let event: EntityEvent;
    try {
      event = decodeEvent(message.payload, deps.catalog, deps.limits);
    } catch (error) {
      giveUp(index, error, 'permanent');
      return;
    }
    try {
      const own: TargetCommands[T][] = [];
      for (const projection of leg.projections) {
        if (projection.handles.includes(event.entity_type)) own.push(...projection.project(event));
      }
      for (const command of own) {
        commands.push(command);
        owners.push(index);
      }
    } catch (error) {
      // A projection must be total; a throw is a bug: nack, then dead-letter with the stack.
      giveUp(index, error instanceof Error ? error : new Error(String(error)), 'unknown');
    }
  });
  return { commands, owners };
}

function record(
  legName: string,
  deps: RunnerDeps,
  stats: LegStats,
  result: SinkResult,
  owners: readonly number[],
  giveUp: (index: number, error: RefractError, verdict: Verdict) => void,
): void {
  stats.applied += result.applied;
  stats.stale += result.stale;
  stats.embeddingsComputed += result.embeddingsComputed;
  stats.embeddingsReused += result.embeddingsReused;
  deps.metrics.count('events_applied', legName, result.applied);
  deps.metrics.count('events_stale', legName, result.stale);
  deps.metrics.count('embeddings_computed', legName, result.embeddingsComputed);
  deps.metrics.count('embeddings_reused', legName, result.embeddingsReused);
  for (const { position, error } of result.rejected) {
    const owner = owners[position];
    if (owner !== undefined) giveUp(owner, error, 'permanent');
  }
}

function letter(leg: string, message: ReceivedMessage, error: unknown): DeadLetter {
  const refract = isRefractError(error) ? error : undefined;
  return {
    leg,
    key: message.key,
    sourceTopic: message.topic,
    payload: message.payload,
    reason: error instanceof Error ? error.message : String(error),
    code: refract?.code ?? 'UNKNOWN',
    properties: {
      ...message.properties,
      ...(refract && typeof refract.details['field'] === 'string' ? { field: refract.details['field'] } : {}),
      redelivery_count: String(message.redeliveryCount),
    },
    ...(error instanceof Error && !refract && error.stack ? { stack: error.stack } : {}),
  };
}
