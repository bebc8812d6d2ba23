import { createJanusGraphStore, type JanusGraphStoreConfig } from '../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { SYSTEM_KEYS } from '../src/adapters/janusgraph/graph-schema.ts';
import { GRAPHSON3_MIME_TYPE, gremlin, P } from '../src/adapters/janusgraph/gremlin-driver.ts';
import { initGraphSchema } from '../src/adapters/janusgraph/init-graph-schema.ts';
import { createMemoryDeadLetters } from '../src/adapters/memory/memory-dead-letters.ts';
import { createMemoryEventLog } from '../src/adapters/memory/memory-event-log.ts';
import { createMemoryMetrics } from '../src/adapters/memory/memory-metrics.ts';
import { createSystemClock } from '../src/adapters/memory/system-clock.ts';
import { generateBankingEvents, type GeneratedMessage } from '../src/adapters/synthetic/banking-generator.ts';
import { BANKING_PAYLOADS, BANKING_TOPIC_NAMES, type GraphCommand } from '../src/domain/index.ts';
import type { GraphStore } from '../src/ports/index.ts';
import { graphProjection } from '../src/projections/banking/banking-graph.projection.ts';
import { bankingApp } from '../src/projections/banking/banking.app.ts';
import { DEFAULT_RETRY, DEFAULT_RUNNER_OPTIONS, graphLeg, runLeg } from '../src/runtime/index.ts';
import { createMemoryInFlightJournal } from '../src/adapters/memory/memory-inflight-journal.ts';
import { silentLogger } from '../src/adapters/memory/memory-logger.ts';
import { prefixedGraphStore } from '../test/support/prefixed-graph-store.ts';
import type { Figure } from './report.ts';

const BATCH = 100;
const runTag = `bench-${Date.now().toString(36)}`;

/** Every id a run writes (its vertices and their edge targets), so the run can remove them again. */
const touchedIds = (commands: readonly GraphCommand[]) =>
  new Set(commands.flatMap((c) => [c.id, ...(c.kind === 'upsert_vertex' ? c.edges.map((e) => e.to.id) : [])]));

/** Applies `commands` on ids of their own, `size` per call; events/s. */
async function applyRate(store: GraphStore, prefix: string, commands: readonly GraphCommand[], size: number): Promise<number> {
  const view = prefixedGraphStore(store, prefix);
  const started = performance.now();
  for (let i = 0; i < commands.length; i += size) await view.apply(commands.slice(i, i + size));
  return commands.length / ((performance.now() - started) / 1000);
}

/** The whole graph leg (decode, project, newest-per-id, guarded write, ack) from an in-memory log into JanusGraph. */
async function legRate(store: GraphStore, prefix: string, messages: readonly GeneratedMessage[]): Promise<number> {
  const log = createMemoryEventLog();
  await log.publish(messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.payload, properties: {} })));
  const started = performance.now();
  await runLeg(
    graphLeg(prefixedGraphStore(store, prefix), bankingApp),
    {
      subscription: await log.subscribe({ topics: BANKING_TOPIC_NAMES, subscription: 'bench-graph' }),
      deadLetters: createMemoryDeadLetters(), metrics: createMemoryMetrics(), clock: createSystemClock(), catalog: BANKING_PAYLOADS,
      logger: silentLogger, journal: createMemoryInFlightJournal(),
    },
    { ...DEFAULT_RUNNER_OPTIONS, batchSize: BATCH, maxWaitMs: 0, stopWhenDrained: true, retry: DEFAULT_RETRY },
  );
  return messages.length / ((performance.now() - started) / 1000);
}

/** Removes what the benchmark wrote, through the unique index, a slice at a time. */
async function dropIds(url: string, ids: readonly string[]): Promise<void> {
  const connection = new gremlin.driver.DriverRemoteConnection(url, { mimeType: GRAPHSON3_MIME_TYPE, traversalSource: 'g' });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  try {
    for (let i = 0; i < ids.length; i += 500) await g.V().has(SYSTEM_KEYS.id, P.within(...ids.slice(i, i + 500))).drop().iterate();
  } finally {
    await connection.close();
  }
}

/**
 * JanusGraph's graph leg: batched guarded writes against one traversal per event, mergeV
 * against fold().coalesce() upserts, and the whole leg's throughput. Every run writes ids of
 * its own and removes them afterwards, so a shared server is left as it was found.
 */
export async function benchJanusGraph(gremlinUrl: string, total = 6_000, singles = 400): Promise<Figure[]> {
  await initGraphSchema({ url: gremlinUrl });
  const messages = generateBankingEvents({ seed: 2027, entities: Math.ceil(total / 1.9), duplicateShare: 0.01 }).slice(0, total);
  const commands = messages.flatMap((m) => (m.event ? graphProjection.graph!.project(m.event) : []));
  const stores: Record<NonNullable<JanusGraphStoreConfig['upsert']>, GraphStore> = {
    mergeV: createJanusGraphStore({ url: gremlinUrl, upsert: 'mergeV' }),
    coalesce: createJanusGraphStore({ url: gremlinUrl, upsert: 'coalesce' }),
  };
  const written: string[] = [];
  /** A fresh id prefix for `slice`, remembered with the ids it writes. */
  const fresh = (name: string, slice: readonly GraphCommand[]) => {
    const prefix = `${runTag}-${name}-`;
    written.push(...[...touchedIds(slice)].map((id) => `${prefix}${id}`));
    return prefix;
  };
  const warm = commands.slice(0, 1_000);
  const first = commands.slice(0, singles);
  try {
    await applyRate(stores.mergeV, fresh('warm-m', warm), warm, BATCH); // JIT, server-side caches
    await applyRate(stores.coalesce, fresh('warm-c', warm), warm, BATCH);
    const single = await applyRate(stores.mergeV, fresh('single', first), first, 1);
    const coalesce = await applyRate(stores.coalesce, fresh('coalesce', commands), commands, BATCH);
    const merge = await applyRate(stores.mergeV, fresh('merge', commands), commands, BATCH);
    const leg = await legRate(stores.mergeV, fresh('leg', commands), messages);
    return [
      { name: `JanusGraph apply, batches of ${BATCH} (${commands.length} commands)`, value: merge, unit: 'events/s', baseline: single, baselineName: `one traversal per event (${singles})`, target: '≥ 5× one per event' },
      { name: `batched upserts: mergeV vs fold().coalesce()`, value: merge, unit: 'events/s', baseline: coalesce, baselineName: 'fold().coalesce()' },
      { name: `graph leg on JanusGraph, batches of ${BATCH} (${messages.length} events)`, value: leg, unit: 'events/s', target: '≥ 1,000 events/s' },
    ];
  } finally {
    await Promise.all(Object.values(stores).map((s) => s.close()));
    await dropIds(gremlinUrl, written);
  }
}
