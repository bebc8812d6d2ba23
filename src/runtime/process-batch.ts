import { decodeEvent, RefractError, type EntityEvent } from '../domain/index.ts';
import { REDRIVE_LEG } from './redrive-letter.ts';
import type { Target, TargetCommands } from '../projections/projection.ts';
import type { DeadLetter, Logger, ReceivedMessage } from '../ports/index.ts';
import { applyIsolated, type ItemFailure } from './apply-isolated.ts';
import { deadLetter } from './dead-letter.ts';
import type { HealthTracker } from './leg-health.ts';
import type { Leg, RunnerDeps, RunnerOptions } from './leg.ts';
import type { LegStats } from './leg-stats.ts';
import { persistently } from './persistently.ts';
import { errorText } from './retry.ts';
import type { SinkResult } from './sink.ts';

export interface BatchContext {
  readonly health: HealthTracker;
  /** The leg's logger (already bound to the leg's name). */
  readonly logger: Logger;
  /** The batch now waits on a store or the log: a crash from here on is not the messages' fault. */
  readonly onHold: () => Promise<void>;
}

/**
 * One batch, start to finish (docs/adr/0012). Bad input (decoding) is dead-lettered at once.
 * The store write goes through `applyIsolated`: transient failures retried, a store that does
 * not answer held, items it will not take isolated. If more than the tolerated share of the
 * batch fails on the store or in a projection, the store is failing, not the items: the leg
 * stops with nothing acked. Otherwise the failures are dead-lettered, and only once the dead
 * letters are durable is the batch acked.
 */
export async function processBatch<T extends Target>(
  leg: Leg<T>,
  deps: RunnerDeps,
  options: RunnerOptions,
  messages: readonly ReceivedMessage[],
  stats: LegStats,
  context: BatchContext,
): Promise<void> {
  const { metrics } = deps;
  const { logger } = context;
  stats.received += messages.length;
  metrics.count('events_received', leg.name, messages.length);
  metrics.count('events_redelivered', leg.name, messages.filter((m) => m.redeliveryCount > 0).length);

  const dead: DeadLetter[] = [];
  const failures: ItemFailure[] = [];
  const fail = (failure: ItemFailure) => {
    if (failures.some((f) => f.index === failure.index)) return;
    failures.push(failure);
    const { maxFailedShare, minFailed } = options.tolerance;
    if (failures.length >= minFailed && failures.length > maxFailedShare * messages.length) {
      throw new RefractError(
        'LEG.STOPPED',
        `${leg.name}: ${failures.length} of ${messages.length} messages failed on the store or in a projection (more than ${Math.round(maxFailedShare * 100)}%): ` +
          `the store is failing, not the items; stopping with nothing acked. First failure: ${errorText(failures[0]?.error)}`,
        { leg: leg.name, failed: failures.length, batch: messages.length },
        { cause: failures[0]?.error },
      );
    }
  };

  const stages = stageTimer(metrics, leg.name);
  const events = new Map<number, EntityEvent>();
  let otherLegs = 0;
  messages.forEach((message, index) => {
    // A re-drive of another leg's letter: this leg applied the original, or holds its own letter for it.
    const redriveFor = message.properties[REDRIVE_LEG];
    if (redriveFor !== undefined && redriveFor !== leg.name) {
      otherLegs += 1;
      return;
    }
    try {
      events.set(index, decodeEvent(message.payload, deps.catalog, deps.limits));
    } catch (error) {
      dead.push(deadLetter(leg.name, message, error));
    }
  });
  if (otherLegs) {
    stats.stale += otherLegs;
    metrics.count('events_stale', leg.name, otherLegs);
  }
  stages.lap('decode');
  const commandsOf = new Map<number, TargetCommands[T][]>();
  for (const [index, event] of events) {
    logger.debug('message received', { key: messages[index]?.key, entity_id: event.entity_id, version: event.version, redeliveries: messages[index]?.redeliveryCount });
    try {
      commandsOf.set(index, leg.projections.flatMap((p) => (p.handles.includes(event.entity_type) ? p.project(event) : [])));
    } catch (error) {
      // A projection is pure: the same event throws again. A bug, but one that follows this item.
      fail({ index, error: error instanceof Error ? error : new Error(String(error)), kind: 'projection' });
    }
  }
  stages.lap('project');

  const persist = { policy: options.retry, clock: deps.clock, logger, health: context.health, onHold: context.onHold,
    ...(options.signal ? { signal: options.signal } : {}), ...(deps.random ? { random: deps.random } : {}) };
  await applyIsolated({
    leg: leg.name, sink: leg.sink, deps, options, logger, health: context.health, commandsOf,
    keyOf: (index) => messages[index]?.key ?? String(index),
    fail,
    record: (result, owners) => record(leg.name, deps, stats, result, owners, fail),
    onRetry: (error) => {
      stats.storeRetries += 1;
      metrics.count('store_retries', leg.name, 1, { code: errorCode(error) });
    },
    onHold: context.onHold,
  }, [...commandsOf.keys()]);
  stages.lap('write');

  reportFreshness(
    leg.name, deps, options, messages,
    [...commandsOf].filter(([i, commands]) => commands.length > 0 && !failures.some((f) => f.index === i)).map(([i]) => i),
  );

  for (const failure of failures) {
    const message = messages[failure.index];
    if (message) dead.push(letterFor(leg.name, message, failure, options.itemAttempts));
  }
  if (dead.length) {
    await persistently(`${leg.name} dead letters`, () => deps.deadLetters.send(dead), persist);
    stats.deadLettered += dead.length;
    for (const letter of dead) metrics.count('events_dead_lettered', leg.name, 1, { reason: letter.code });
    logger.warn(`${leg.name}: dead-lettered ${dead.length} of ${messages.length} messages`, { deadLettered: dead.length, codes: [...new Set(dead.map((d) => d.code))] });
    stages.lap('dead_letters');
  }
  await persistently(`${leg.name} ack`, () => deps.subscription.ack(messages), persist);
  stages.lap('ack');
}

/** A batch's stages as `batch_seconds{stage}`: each lap is the time since the previous one. */
function stageTimer(metrics: RunnerDeps['metrics'], legName: string) {
  let last = performance.now();
  return {
    lap(stage: 'decode' | 'project' | 'write' | 'dead_letters' | 'ack') {
      const now = performance.now();
      metrics.observe('batch_seconds', legName, (now - last) / 1000, { stage });
      last = now;
    },
  };
}

/** The error's code for a metric label: a RefractError's code, else `UNKNOWN`. */
function errorCode(error: unknown): string {
  return error instanceof RefractError ? error.code : 'UNKNOWN';
}

/** Freshness of each message whose write is now durable: publish time on the log → now. */
function reportFreshness(
  legName: string,
  deps: RunnerDeps,
  options: RunnerOptions,
  messages: readonly ReceivedMessage[],
  written: readonly number[],
): void {
  const durableAt = deps.clock.now();
  const publishTimes = written.flatMap((i) => messages[i]?.publishTime ?? []);
  for (const publishTime of publishTimes) deps.metrics.observe('freshness_seconds', legName, Math.max(0, durableAt - publishTime) / 1000);
  options.onDurable?.(legName, publishTimes, durableAt);
}

function record(
  legName: string,
  deps: RunnerDeps,
  stats: LegStats,
  result: SinkResult,
  owners: readonly number[],
  fail: (failure: ItemFailure) => void,
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
    if (owner !== undefined) fail({ index: owner, error, kind: 'rejected' });
  }
}

function letterFor(leg: string, message: ReceivedMessage, failure: ItemFailure, attempts: number): DeadLetter {
  switch (failure.kind) {
    case 'rejected':
      return deadLetter(leg, message, failure.error);
    case 'failed':
      return deadLetter(leg, message, failure.error, { reason: `failed ${attempts} attempts on its own while the store answered`, attempts });
    case 'projection':
      return deadLetter(leg, message, failure.error, { code: 'PROJECTION.FAILED', reason: 'a projection threw on this event' });
  }
}
