import type { App } from '../../src/projections/app.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import { createHashingEmbedder } from '../../src/adapters/embedding/hashing-embedder.ts';
import { createMemoryDeadLetters } from '../../src/adapters/memory/memory-dead-letters.ts';
import { createMemoryEventLog, type MemoryEventLogOptions } from '../../src/adapters/memory/memory-event-log.ts';
import { createMemoryGraphStore } from '../../src/adapters/memory/memory-graph-store.ts';
import { createMemoryMetrics } from '../../src/adapters/memory/memory-metrics.ts';
import { createMemoryVectorStore } from '../../src/adapters/memory/memory-vector-store.ts';
import { createSystemClock } from '../../src/adapters/memory/system-clock.ts';
import { BANKING_TOPIC_NAMES, encodeEvent, type EntityEvent } from '../../src/domain/index.ts';
import type { Embedder, EventLog, GraphStore, VectorStore } from '../../src/ports/index.ts';
import { createIsolationLock, DEFAULT_RUNNER_OPTIONS, graphLeg, runLeg, vectorLeg, type RunnerOptions } from '../../src/runtime/index.ts';
import { createMemoryInFlightJournal, emptyJournalState, type JournalState } from '../../src/adapters/memory/memory-inflight-journal.ts';
import { createMemoryLogger } from '../../src/adapters/memory/memory-logger.ts';
import { seededRandom } from '../../src/adapters/memory/seeded-random.ts';

export const TOPICS = BANKING_TOPIC_NAMES;
export const FAST_OPTIONS: RunnerOptions = {
  ...DEFAULT_RUNNER_OPTIONS,
  batchSize: 100, maxWaitMs: 5, stopWhenDrained: true,
  retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 4 },
};

export interface PipelineParts {
  log: EventLog;
  graph: GraphStore;
  vectors: VectorStore;
  embedder: Embedder;
}

/** Embedded parts for tests; any of them can be swapped for a real adapter or a spy. */
export function embeddedParts(logOptions: MemoryEventLogOptions = {}, overrides: Partial<Omit<PipelineParts, "log">> = {}) {
  const log = createMemoryEventLog(logOptions);
  return {
    log,
    graph: createMemoryGraphStore(),
    vectors: createMemoryVectorStore(),
    embedder: createHashingEmbedder(),
    deadLetters: createMemoryDeadLetters(),
    metrics: createMemoryMetrics(),
    clock: createSystemClock(),
    logger: createMemoryLogger(),
    /** What each leg's in-flight journal keeps "on disk": it outlives a runner, as the file does a process. */
    journalDisks: { graph: { state: emptyJournalState() }, vector: { state: emptyJournalState() } } as Record<'graph' | 'vector', { state: JournalState }>,
    ...overrides,
  };
}
export type Parts = ReturnType<typeof embeddedParts>;

/** Publishes on each event's topic in `app` (banking by default), keyed by its entity id. */
export const publishEvents = (log: EventLog, events: readonly EntityEvent[], app: App = bankingApp) =>
  log.publish(events.map((e) => ({ topic: app.topicFor(e.entity_type), key: e.entity_id, payload: encodeEvent(e), properties: {} })));

/** Starts the graph and the vector leg of `app` (banking by default) side by side; `done` resolves when both are drained. */
export async function startBothLegs(parts: Parts, options: Partial<RunnerOptions> = {}, app: App = bankingApp) {
  const opts = { ...FAST_OPTIONS, ...options };
  const subscriptions = {
    graph: await parts.log.subscribe({ topics: app.topics, subscription: 'graph' }),
    vector: await parts.log.subscribe({ topics: app.topics, subscription: 'vector' }),
  };
  const isolation = createIsolationLock();
  const deps = (name: 'graph' | 'vector') => ({
    isolation,
    subscription: subscriptions[name], deadLetters: parts.deadLetters, metrics: parts.metrics, clock: parts.clock,
    logger: parts.logger, journal: createMemoryInFlightJournal(parts.journalDisks[name]),
    catalog: app.catalog, random: seededRandom(3),
  });
  const done = Promise.all([
    runLeg(graphLeg(parts.graph, app), deps('graph'), opts),
    runLeg(vectorLeg(parts.vectors, parts.embedder, app), deps('vector'), opts),
  ]).then(([graph, vector]) => ({ graph, vector }));
  return { done, subscriptions };
}

/** Runs both legs of `app` (banking by default) until both subscriptions are drained. */
export const runBothLegs = async (parts: Parts, options: Partial<RunnerOptions> = {}, app: App = bankingApp) =>
  (await startBothLegs(parts, options, app)).done;
