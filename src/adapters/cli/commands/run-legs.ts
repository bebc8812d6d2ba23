import { BANKING_PAYLOADS, BANKING_TOPICS } from '../../../domain/index.ts';
import { projectionsFor } from '../../../projections/registry.ts';
import { createGraphSink, createVectorSink, DEFAULT_RETRY, runLeg, type LegStats } from '../../../runtime/index.ts';
import type { Pipeline } from '../../container/container.ts';

/** Runs the graph and the vector leg on their own subscriptions, until both are drained or aborted. */
export async function runBothLegs(
  p: Pipeline,
  options: { stopWhenDrained: boolean; signal?: AbortSignal; onBatch?: (leg: string, received: number) => void },
): Promise<Record<'graph' | 'vector', LegStats>> {
  const topics = Object.values(BANKING_TOPICS);
  const runnerOptions = {
    batchSize: p.config.batchSize,
    maxWaitMs: p.config.maxWaitMs,
    maxRedeliveries: p.config.maxRedeliveries,
    retry: DEFAULT_RETRY,
    stopWhenDrained: options.stopWhenDrained,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  };
  const deps = async (leg: string) => ({
    subscription: await p.log.subscribe({ topics, subscription: `refract-${leg}`, type: 'Key_Shared' }),
    deadLetters: p.deadLetters,
    metrics: p.metrics,
    clock: p.clock,
    catalog: BANKING_PAYLOADS,
  });
  const [graph, vector] = await Promise.all([
    runLeg({ name: 'graph', projections: projectionsFor('graph'), sink: createGraphSink(p.graph) }, await deps('graph'), runnerOptions),
    runLeg({ name: 'vector', projections: projectionsFor('vector'), sink: createVectorSink(p.vectors, p.embedder) }, await deps('vector'), runnerOptions),
  ]);
  return { graph, vector };
}
