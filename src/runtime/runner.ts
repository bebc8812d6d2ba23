import type { Target } from '../projections/projection.ts';
import type { ReceivedMessage } from '../ports/index.ts';
import { processBatch } from './process-batch.ts';
import type { Leg, RunnerDeps, RunnerOptions } from './leg.ts';
import { newLegStats, type LegStats } from './leg-stats.ts';

/**
 * The projection runner for one leg: receive a batch → validate → project → one batched
 * store write → dead letters → ack, until aborted (or drained, when asked to stop then).
 */
export async function runLeg<T extends Target>(leg: Leg<T>, deps: RunnerDeps, options: RunnerOptions): Promise<LegStats> {
  const stats = newLegStats();
  const { subscription, metrics, clock } = deps;
  while (!options.signal?.aborted) {
    const messages: ReceivedMessage[] = await subscription.receive(options.batchSize, options.maxWaitMs);
    metrics.heartbeat(leg.name, clock.now());
    if (!messages.length) {
      if (options.stopWhenDrained && (await subscription.backlog()) === 0) break;
      // Never spin: a log that answers an empty receive at once must still let timers,
      // signals and the other leg run.
      await clock.sleep(1, options.signal);
      continue;
    }
    const started = clock.now();
    try {
      await processBatch(leg, deps, options, messages, stats);
    } catch (error) {
      // An abort during transient retries: the batch stays unacked and the log delivers it
      // again to whoever consumes next. Anything else (a configuration error) stops the leg.
      if (options.signal?.aborted) break;
      throw error;
    }
    stats.batches += 1;
    metrics.observe('batch_seconds', leg.name, (clock.now() - started) / 1000);
    metrics.observe('batch_size', leg.name, messages.length);
    options.onBatch?.(leg.name, messages.length);
  }
  return stats;
}
