import { createIsolationLock, DEFAULT_RETRY, DEFAULT_RUNNER_OPTIONS, graphLeg, runLeg, vectorLeg, type LegStats, type RunnerOptions } from '../../../runtime/index.ts';
import type { Pipeline } from '../../container/container.ts';

/**
 * Runs the graph and the vector leg on their own subscriptions, until both are drained or
 * aborted. If one leg fails, the other is stopped gracefully before the error is rethrown.
 */
export async function runBothLegs(
  p: Pipeline,
  options: Pick<RunnerOptions, 'stopWhenDrained' | 'signal' | 'onBatch' | 'onHealth' | 'onDurable'>,
): Promise<Record<'graph' | 'vector', LegStats>> {
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const runnerOptions: RunnerOptions = {
    ...DEFAULT_RUNNER_OPTIONS,
    batchSize: p.config.batchSize,
    maxWaitMs: p.config.maxWaitMs,
    itemAttempts: p.config.itemAttempts,
    tolerance: { ...DEFAULT_RUNNER_OPTIONS.tolerance, maxFailedShare: p.config.maxFailedShare },
    maxCrashes: p.config.maxCrashes,
    retry: DEFAULT_RETRY,
    stopWhenDrained: options.stopWhenDrained,
    signal,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    ...(options.onHealth ? { onHealth: options.onHealth } : {}),
    ...(options.onDurable ? { onDurable: options.onDurable } : {}),
  };
  const isolation = createIsolationLock();
  const deps = async (leg: string) => ({
    isolation,
    subscription: await p.log.subscribe({ topics: p.app.topics, subscription: `refract-${leg}`, type: 'Key_Shared' }),
    deadLetters: p.deadLetters,
    metrics: p.metrics,
    clock: p.clock,
    logger: p.logger,
    journal: p.journals(leg),
    catalog: p.app.catalog,
  });
  const stopOthersOnFailure = (run: Promise<LegStats>) =>
    run.catch((error: unknown) => {
      failed.abort();
      throw error;
    });
  const [graph, vector] = await Promise.allSettled([
    stopOthersOnFailure(runLeg(graphLeg(p.graph, p.app), await deps('graph'), runnerOptions)),
    stopOthersOnFailure(runLeg(vectorLeg(p.vectors, p.embedder, p.app, p.metrics), await deps('vector'), runnerOptions)),
  ]);
  if (graph.status === 'rejected') throw graph.reason;
  if (vector.status === 'rejected') throw vector.reason;
  return { graph: graph.value, vector: vector.value };
}
