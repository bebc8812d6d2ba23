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

/**
 * One batch, start to finish. Permanent errors (bad input, a rejected item) become dead
 * letters; transient ones are retried in place; an unknown error isolates the batch into
 * single messages so one poison message never takes its neighbours down with it. Acks go
 * out only after the store write and the dead letters are durable.
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
  const giveUp = (index: number, error: unknown) => {
    const message = messages[index];
    if (!message || givenUp.has(index)) return;
    givenUp.add(index);
    if (isRefractError(error) && !error.retryable) dead.push(letter(leg.name, message, error));
    else if (message.redeliveryCount >= options.maxRedeliveries) dead.push(letter(leg.name, message, error));
    else nacked.add(index);
  };

  const projected = project(leg, deps, messages, giveUp);
  const apply = (commands: TargetCommands[T][]) =>
    retryTransient(() => leg.sink.apply(commands), {
      policy: options.retry,
      clock: deps.clock,
      random: deps.random ?? Math.random,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: () => {
        stats.storeRetries += 1;
        metrics.count('store_retries', leg.name);
      },
    });
  try {
    record(leg.name, deps, stats, await apply(projected.commands), projected.owners, giveUp);
  } catch (error) {
    if (isRetryable(error)) throw error; // aborted while the store was down
    for (const index of new Set(projected.owners)) {
      const own = projected.commands.filter((_, i) => projected.owners[i] === index);
      try {
        record(leg.name, deps, stats, await apply(own), own.map(() => index), giveUp);
      } catch (single) {
        if (isRetryable(single)) throw single;
        giveUp(index, single);
      }
    }
  }

  if (dead.length) {
    await retryTransient(() => deps.deadLetters.send(dead), {
      policy: options.retry,
      clock: deps.clock,
      random: deps.random ?? Math.random,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    stats.deadLettered += dead.length;
    metrics.count('events_dead_lettered', leg.name, dead.length);
  }
  const toAck = messages.filter((_, i) => !nacked.has(i));
  if (toAck.length) await deps.subscription.ack(toAck);
  if (nacked.size) {
    stats.nacked += nacked.size;
    await deps.subscription.nack(messages.filter((_, i) => nacked.has(i)));
  }
}

function project<T extends Target>(
  leg: Leg<T>,
  deps: RunnerDeps,
  messages: readonly ReceivedMessage[],
  giveUp: (index: number, error: unknown) => void,
): Projected<TargetCommands[T]> {
  const commands: TargetCommands[T][] = [];
  const owners: number[] = [];
  messages.forEach((message, index) => {
    let event: EntityEvent;
    try {
      event = decodeEvent(message.payload, deps.catalog, deps.limits);
    } catch (error) {
      giveUp(index, error);
      return;
    }
    try {
      for (const projection of leg.projections) {
        if (!projection.handles.includes(event.entity_type)) continue;
        for (const command of projection.project(event)) {
          commands.push(command);
          owners.push(index);
        }
      }
    } catch (error) {
      // A projection must be total; a throw is a bug: nack, then dead-letter with the stack.
      giveUp(index, error instanceof Error && !isRefractError(error) ? error : new Error(String(error)));
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
  giveUp: (index: number, error: RefractError) => void,
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
    if (owner !== undefined) giveUp(owner, error);
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
