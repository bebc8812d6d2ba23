import { Container } from 'inversify';
import type { Embedder, Logger } from '../../ports/index.ts';
import type { RefractConfig } from '../config/config.ts';
import { loadApp } from '../config/load-app.ts';
import { createMemoryMetrics } from '../memory/memory-metrics.ts';
import { createPrometheusMetrics } from '../prometheus/prometheus-metrics.ts';
import { createSystemClock } from '../memory/system-clock.ts';
import { createDeadLetters, createEmbedder, createEventLog, createGraphStore, createJournals, createLogger, createVectorStore } from './adapter-factories.ts';
import { TOKENS } from './tokens.ts';

/**
 * The composition root: the only place that knows every adapter (docs/adr/0001). Metrics are
 * kept in memory, or with `metrics: 'prometheus'` in a prom-client registry that a command
 * serves (then also reachable as `TOKENS.PrometheusMetrics`).
 */
export function buildContainer(config: RefractConfig, options: { metrics?: 'memory' | 'prometheus' } = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.App).toResolvedValue(loadApp, [TOKENS.Config]);
  container.bind(TOKENS.Clock).toResolvedValue(createSystemClock);
  if (options.metrics === 'prometheus') {
    container.bind(TOKENS.PrometheusMetrics).toResolvedValue(() => createPrometheusMetrics());
    container.bind(TOKENS.Metrics).toService(TOKENS.PrometheusMetrics);
  } else {
    container.bind(TOKENS.Metrics).toResolvedValue(createMemoryMetrics);
  }
  container.bind(TOKENS.Logger).toResolvedValue(createLogger, [TOKENS.Config]);
  container.bind(TOKENS.Journals).toResolvedValue(createJournals, [TOKENS.Config]);
  container.bind(TOKENS.DeadLetters).toResolvedValue(createDeadLetters, [TOKENS.Config]);
  container.bind(TOKENS.EventLog).toResolvedValue((c: RefractConfig, l: Logger) => createEventLog(c, l), [TOKENS.Config, TOKENS.Logger]);
  container.bind(TOKENS.GraphStore).toResolvedValue(createGraphStore, [TOKENS.Config]);
  container.bind(TOKENS.VectorStore)
    .toResolvedValue((c: RefractConfig, e: Embedder) => createVectorStore(c, e), [TOKENS.Config, TOKENS.Embedder]);
  container.bind(TOKENS.Embedder).toResolvedValue(createEmbedder, [TOKENS.Config]);
  return container;
}

/** Everything a pipeline run needs, resolved (async: some adapters connect or load a model). */
export async function resolvePipeline(container: Container) {
  return {
    config: container.get(TOKENS.Config),
    app: await container.getAsync(TOKENS.App),
    clock: await container.getAsync(TOKENS.Clock),
    metrics: await container.getAsync(TOKENS.Metrics),
    logger: await container.getAsync(TOKENS.Logger),
    journals: await container.getAsync(TOKENS.Journals),
    deadLetters: await container.getAsync(TOKENS.DeadLetters),
    log: await container.getAsync(TOKENS.EventLog),
    graph: await container.getAsync(TOKENS.GraphStore),
    vectors: await container.getAsync(TOKENS.VectorStore),
    embedder: await container.getAsync(TOKENS.Embedder),
  };
}
export type Pipeline = Awaited<ReturnType<typeof resolvePipeline>>;
