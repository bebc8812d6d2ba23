import { RefractError } from '../domain/index.ts';
import type { Target } from '../projections/projection.ts';
import type { ReceivedMessage } from '../ports/index.ts';
import { deadLetter } from './dead-letter.ts';
import { createIsolationLock } from './isolation-lock.ts';
import { healthTracker } from './leg-health.ts';
import type { Leg, RunnerDeps, RunnerOptions } from './leg.ts';
import { newLegStats, type LegStats } from './leg-stats.ts';
import { persistently } from './persistently.ts';
import { processBatch } from './process-batch.ts';
import { errorText } from './retry.ts';

/** A message's identity in the in-flight journal: its place on the log, stable across deliveries and processes. */
export const journalId = (message: ReceivedMessage) => message.position;

/**
 * The projection runner for one leg: receive a batch → validate → project → one batched
 * store write → dead letters → ack, until aborted (or drained, when asked to stop then).
 * Every batch is recorded in the in-flight journal while it is worked on. Messages that were
 * in flight when the process last died are worked on one at a time, so the next crash points
 * at a single message; one present at `maxCrashes` consecutive crashes is dead-lettered.
 */
export async function runLeg<T extends Target>(leg: Leg<T>, deps: RunnerDeps, options: RunnerOptions): Promise<LegStats> {
  const stats = newLegStats();
  const { subscription, metrics, clock, journal } = deps;
  const logger = deps.logger.child({ leg: leg.name });
  const health = healthTracker(leg.name, () => clock.now(), (name, h) => {
    healthGauge(metrics, name, h.state);
    options.onHealth?.(name, h);
  });
  healthGauge(metrics, leg.name, 'healthy');
  let appliedThrough = 0;
  const advance = (publishTime: number) => {
    appliedThrough = Math.max(appliedThrough, publishTime);
    metrics.set('applied_through_timestamp_seconds', leg.name, appliedThrough / 1000);
  };
  const persist = {
    policy: options.retry, clock, logger, health,
    ...(options.signal ? { signal: options.signal } : {}), ...(deps.random ? { random: deps.random } : {}),
  };

  const isolation = deps.isolation ?? createIsolationLock();
  const work = async (messages: readonly ReceivedMessage[]) => {
    const ids = messages.map(journalId);
    await journal.begin(ids);
    try {
      await processBatch(leg, deps, options, messages, stats, { health, logger, onHold: () => journal.end(ids) });
    } finally {
      // Reached unless the process dies: ending in an error or an abort is no crash.
      await journal.end(ids);
    }
  };

  try {
    while (!options.signal?.aborted) {
      const messages = await persistently(`${leg.name} receive`, () => subscription.receive(options.batchSize, options.maxWaitMs), persist);
      metrics.heartbeat(leg.name, clock.now());
      if (!messages.length) {
        // Nothing delivered: everything published before this receive began is done here.
        advance(clock.now() - options.maxWaitMs);
        options.onCaughtUp?.(leg.name, clock.now() - options.maxWaitMs);
        if (options.stopWhenDrained && (await persistently(`${leg.name} backlog`, () => subscription.backlog(), persist)) === 0) break;
        // Never spin: a log that answers an empty receive at once must still let timers,
        // signals and the other leg run.
        await clock.sleep(1, options.signal);
        continue;
      }
      const started = clock.now();
      const crashedOften: ReceivedMessage[] = [];
      const suspects: { message: ReceivedMessage; crashes: number }[] = [];
      const rest: ReceivedMessage[] = [];
      for (const message of messages) {
        const crashes = journal.crashes(journalId(message));
        if (crashes >= options.maxCrashes) crashedOften.push(message);
        else if (crashes > 0) suspects.push({ message, crashes });
        else rest.push(message);
      }
      if (crashedOften.length) await isolateCrashers(leg.name, deps, options, crashedOften, stats, persist);
      for (const { message, crashes } of suspects) {
        logger.warn(`${leg.name}: message ${message.key} was in flight when the process died ${crashes} time(s); working on it alone`, { key: message.key });
        await isolation.exclusive(() => work([message]));
      }
      if (rest.length) await isolation.shared(() => work(rest));
      stats.batches += 1;
      // The log delivers each topic in order, so whatever was published before the oldest
      // message of this batch came in an earlier batch: all of it is now acked.
      advance(Math.min(...messages.map((m) => m.publishTime)));
      metrics.observe('batch_seconds', leg.name, (clock.now() - started) / 1000, { stage: 'total' });
      metrics.observe('batch_size', leg.name, messages.length);
      options.onBatch?.(leg.name, messages.length);
    }
  } catch (error) {
    // An abort while a store or the log was down: the batch stays unacked and the log
    // delivers it again to whoever consumes next. Anything else stops the leg.
    if (options.signal?.aborted) return stats;
    health.stopped(errorText(error));
    logger.error(`${leg.name}: the leg stopped with nothing of its batch acked: ${errorText(error)}`, { error: errorText(error) });
    throw error;
  }
  return stats;
}

const HEALTH_STATES = ['healthy', 'degraded', 'stopped'] as const;

/** `leg_health{state}`: 1 for the leg's state, 0 for the others, so a dashboard can show either. */
function healthGauge(metrics: RunnerDeps['metrics'], leg: string, state: (typeof HEALTH_STATES)[number]): void {
  for (const s of HEALTH_STATES) metrics.set('leg_health', leg, s === state ? 1 : 0, { state: s });
}

/** Messages that were in flight at `maxCrashes` consecutive crashes: dead-lettered, never worked on again. */
async function isolateCrashers(
  legName: string, deps: RunnerDeps, options: RunnerOptions, messages: readonly ReceivedMessage[], stats: LegStats,
  persist: Parameters<typeof persistently>[2],
): Promise<void> {
  const letters = messages.map((m) => {
    const crashes = deps.journal.crashes(journalId(m));
    const error = new RefractError('EVENT.CRASHED_PROCESS', `crashed the process: in flight at ${crashes} consecutive crashes`, { crashes });
    return deadLetter(legName, m, error, { attempts: crashes });
  });
  deps.logger.error(`${legName}: dead-lettering ${messages.length} message(s) that crashed the process ${options.maxCrashes} times in a row`, { keys: messages.map((m) => m.key) });
  await persistently(`${legName} dead letters`, () => deps.deadLetters.send(letters), persist);
  await persistently(`${legName} ack`, () => deps.subscription.ack(messages), persist);
  await deps.journal.end(messages.map(journalId));
  stats.received += messages.length;
  stats.deadLettered += messages.length;
  deps.metrics.count('events_received', legName, messages.length);
  deps.metrics.count('events_dead_lettered', legName, messages.length, { reason: 'EVENT.CRASHED_PROCESS' });
}
