import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryInFlightJournal } from '../../src/adapters/memory/memory-inflight-journal.ts';
import { createMemoryMetrics } from '../../src/adapters/memory/memory-metrics.ts';
import { seededRandom } from '../../src/adapters/memory/seeded-random.ts';
import { BANKING_PAYLOADS, encodeEvent, RefractError, type EntityEvent } from '../../src/domain/index.ts';
import type { CounterName, Embedder, GaugeName, GraphStore, HistogramName, MetricLabels, ReceivedMessage, Subscription } from '../../src/ports/index.ts';
import { createIsolationLock, graphLeg, runLeg, vectorLeg, type LegHealth, type RunnerOptions } from '../../src/runtime/index.ts';
import { entityHistory } from '../support/arbitraries.ts';
import { embeddedParts, FAST_OPTIONS, publishEvents, TOPICS, type Parts } from '../support/embedded-pipeline.ts';

const events = fc.sample(entityHistory('account', 'acc-1'), { numRuns: 12, seed: 11 })
  .map((h, i) => h.map((e) => ({ ...e, entity_id: `acc-${i}` }))).flat();
const persons = fc.sample(entityHistory('person', 'p-1'), { numRuns: 6, seed: 5 })
  .map((h, i) => h.map((e) => ({ ...e, entity_id: `p-${i}` }))).flat();

interface Call {
  readonly kind: 'count' | 'observe' | 'set';
  readonly name: CounterName | HistogramName | GaugeName;
  readonly leg: string;
  readonly value: number;
  readonly labels: MetricLabels;
}

/** Memory metrics that also keep every call with its labels, in order. */
function recordingMetrics() {
  const memory = createMemoryMetrics();
  const calls: Call[] = [];
  return {
    ...memory,
    calls,
    count(name: CounterName, leg: string, value = 1, labels: MetricLabels = {}) {
      calls.push({ kind: 'count', name, leg, value, labels });
      memory.count(name, leg, value, labels);
    },
    observe(name: HistogramName, leg: string, value: number, labels: MetricLabels = {}) {
      calls.push({ kind: 'observe', name, leg, value, labels });
      memory.observe(name, leg, value, labels);
    },
    set(name: GaugeName, leg: string, value: number, labels: MetricLabels = {}) {
      calls.push({ kind: 'set', name, leg, value, labels });
      memory.set(name, leg, value, labels);
    },
  };
}
type Recorder = ReturnType<typeof recordingMetrics>;

const healthOf = (metrics: Recorder, leg: string) =>
  Object.fromEntries(['healthy', 'degraded', 'stopped'].map((state) => [state, metrics.gauge('leg_health', leg, { state })]));

/** The graph leg alone on embedded parts, its subscription seen through `wrap`; resolves with its stats and every batch it received. */
async function runGraph(
  parts: Parts, metrics: Recorder, options: Partial<RunnerOptions> = {}, wrap: (s: Subscription) => Subscription = (s) => s,
) {
  const batches: ReceivedMessage[][] = [];
  const inner = wrap(await parts.log.subscribe({ topics: TOPICS, subscription: 'graph' }));
  const subscription: Subscription = {
    ...inner,
    receive: async (max, wait) => {
      const messages = await inner.receive(max, wait);
      if (messages.length) batches.push(messages);
      return messages;
    },
  };
  const stats = runLeg(graphLeg(parts.graph, bankingApp), {
    subscription, deadLetters: parts.deadLetters, metrics, clock: parts.clock, logger: parts.logger,
    journal: createMemoryInFlightJournal(parts.journalDisks.graph), catalog: BANKING_PAYLOADS,
    isolation: createIsolationLock(), random: seededRandom(3),
  }, { ...FAST_OPTIONS, ...options });
  return { stats, batches };
}

const encode = (text: string) => new TextEncoder().encode(text);
const badInput = (parts: Parts) => parts.log.publish([
  { topic: 'accounts', key: 'not-json', payload: encode('{not json'), properties: {} },
  { topic: 'accounts', key: 'acc-bad', payload: encodeEvent({ ...events[0]!, entity_id: 'acc-bad', version: 0 } satisfies EntityEvent), properties: {} },
]);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited 5 s for ${what}`);
    await wait(2);
  }
}

describe('the runner\u2019s metrics', () => {
  describe('leg_health', () => {
    it('reports the leg healthy before anything else, with the other states at zero', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      await publishEvents(parts.log, events);
      await (await runGraph(parts, metrics)).stats;
      const first = metrics.calls.slice(0, 3).map((c) => [c.name, c.leg, c.labels.state, c.value]);
      expect(first).toEqual([
        ['leg_health', 'graph', 'healthy', 1], ['leg_health', 'graph', 'degraded', 0], ['leg_health', 'graph', 'stopped', 0],
      ]);
      expect(healthOf(metrics, 'graph')).toEqual({ healthy: 1, degraded: 0, stopped: 0 });
    });

    it('flips to degraded while the store is down, and back to healthy once it answers', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      let down = true;
      const fail = () => Promise.reject(new RefractError('STORE.UNAVAILABLE', 'connection refused'));
      const store: GraphStore = {
        ...parts.graph, apply: (c) => (down ? fail() : parts.graph.apply(c)), get: (ids) => (down ? fail() : parts.graph.get(ids)),
      };
      const seen: LegHealth[] = [];
      await publishEvents(parts.log, events);
      const { stats } = await runGraph({ ...parts, graph: store }, metrics, { onHealth: (_, h) => seen.push(h) });
      await until(() => seen.some((h) => h.state === 'degraded'), 'the leg to report itself degraded');
      expect(healthOf(metrics, 'graph')).toEqual({ healthy: 0, degraded: 1, stopped: 0 });
      down = false;
      await stats;
      expect(healthOf(metrics, 'graph')).toEqual({ healthy: 1, degraded: 0, stopped: 0 });
    });

    it('flips to stopped when the leg stops', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      const misconfigured: GraphStore = { ...parts.graph, apply: () => Promise.reject(new RefractError('CONFIG.INVALID', 'JanusGraph refused the credentials (401)')) };
      await publishEvents(parts.log, events);
      await expect((await runGraph({ ...parts, graph: misconfigured }, metrics)).stats).rejects.toThrow(/401/);
      expect(healthOf(metrics, 'graph')).toEqual({ healthy: 0, degraded: 0, stopped: 1 });
    });
  });

  describe('applied_through_timestamp_seconds', () => {
    it('is the oldest publish time of the batch just finished, in seconds, and never goes back', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      const base = Date.now() - 3_600_000;
      let received = 0;
      // Publish times out of order within each batch, so the oldest is neither the first nor the last message.
      const withTimes = (s: Subscription): Subscription => ({
        ...s,
        receive: async (max, waitMs) => {
          const messages = await s.receive(max, waitMs);
          if (messages.length) received += 1;
          return messages.map((m, i) => ({ ...m, publishTime: base + received * 60_000 + (i === 2 ? 0 : 1_000 + i) }));
        },
      });
      const afterBatch: (number | undefined)[] = [];
      await publishEvents(parts.log, events);
      const run = await runGraph(parts, metrics, { batchSize: 5, onBatch: (leg) => afterBatch.push(metrics.gauge('applied_through_timestamp_seconds', leg)) }, withTimes);
      await run.stats;
      expect(run.batches.length).toBeGreaterThan(2);
      const times = run.batches.map((b) => b.map((m) => m.publishTime));
      expect(times.some((t) => Math.min(...t) < t[0]! && Math.min(...t) < t.at(-1)!)).toBe(true);
      let through = 0;
      expect(afterBatch).toEqual(times.map((t) => (through = Math.max(through, Math.min(...t))) / 1000));
      const values = metrics.calls.filter((c) => c.name === 'applied_through_timestamp_seconds').map((c) => c.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    });

    it('moves on to the start of an empty receive, and does not go back for older messages after it', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      const old = Date.now() - 3_600_000;
      const oldTimes = (s: Subscription): Subscription => ({
        ...s, receive: async (max, waitMs) => (await s.receive(max, waitMs)).map((m) => ({ ...m, publishTime: old })),
      });
      const controller = new AbortController();
      const afterBatch: (number | undefined)[] = [];
      const { stats } = await runGraph(parts, metrics, {
        stopWhenDrained: false, signal: controller.signal, onBatch: (leg) => afterBatch.push(metrics.gauge('applied_through_timestamp_seconds', leg)),
      }, oldTimes);
      await until(() => metrics.gauge('applied_through_timestamp_seconds', 'graph') !== undefined, 'an empty receive to set the gauge');
      const idle = metrics.gauge('applied_through_timestamp_seconds', 'graph')!;
      expect(idle * 1000).toBeGreaterThan(Date.now() - 60_000);
      await publishEvents(parts.log, events.slice(0, 3));
      await until(() => afterBatch.length > 0, 'a batch');
      controller.abort();
      await stats;
      expect(afterBatch[0]).toBeGreaterThanOrEqual(idle);
    });
  });

  describe('batch_seconds', () => {
    it('is observed in seconds for each stage of every batch, and a total per batch', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      const slow: GraphStore = { ...parts.graph, apply: async (c) => { await wait(40); return parts.graph.apply(c); } };
      await publishEvents(parts.log, events);
      const stats = await (await runGraph({ ...parts, graph: slow }, metrics, { batchSize: 10 })).stats;
      const observed = metrics.calls.filter((c) => c.kind === 'observe' && c.name === 'batch_seconds' && c.leg === 'graph');
      const byStage = (stage: string) => observed.filter((c) => c.labels.stage === stage).map((c) => c.value);
      expect(stats.batches).toBeGreaterThan(1);
      for (const stage of ['decode', 'project', 'write', 'ack', 'total']) expect(byStage(stage), stage).toHaveLength(stats.batches);
      expect(byStage('dead_letters')).toEqual([]);
      expect(new Set(observed.map((c) => c.labels.stage))).toEqual(new Set(['decode', 'project', 'write', 'ack', 'total']));
      expect(observed.every((c) => c.value >= 0 && Object.keys(c.labels).length === 1)).toBe(true);
      expect(byStage('write').every((s) => s >= 0.035 && s < 5)).toBe(true);
      expect(byStage('total').every((s) => s >= 0.035 && s < 5)).toBe(true);
      let stagesOfBatch = 0;
      for (const c of observed) {
        if (c.labels.stage !== 'total') stagesOfBatch += c.value;
        else {
          expect(stagesOfBatch, 'the stages of a batch are laps within its total').toBeLessThanOrEqual(c.value + 0.005);
          stagesOfBatch = 0;
        }
      }
      const sizes = metrics.calls.filter((c) => c.name === 'batch_size').map((c) => c.value);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(events.length);
    });

    it('has a dead_letters stage in the batches that dead-letter', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      await badInput(parts);
      await (await runGraph(parts, metrics)).stats;
      const stages = metrics.calls.filter((c) => c.name === 'batch_seconds').map((c) => c.labels.stage);
      expect(stages).toEqual(['decode', 'project', 'write', 'dead_letters', 'ack', 'total']);
    });
  });

  describe('events_dead_lettered', () => {
    it('counts each dead letter under its error code as the reason', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      await badInput(parts);
      await publishEvents(parts.log, events);
      await (await runGraph(parts, metrics)).stats;
      const letters = metrics.calls.filter((c) => c.name === 'events_dead_lettered');
      expect(letters.map((c) => [c.leg, c.labels.reason, c.value]).sort()).toEqual([
        ['graph', 'EVENT.INVALID', 1], ['graph', 'EVENT.MALFORMED_JSON', 1],
      ]);
      expect(metrics.total('events_dead_lettered', 'graph')).toBe(parts.deadLetters.all().length);
    });

    it('uses the store\u2019s code when the store refuses an item', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      const poisonId = events[0]!.entity_id;
      const refusing: GraphStore = {
        ...parts.graph,
        apply: (commands) => commands.some((c) => c.id === poisonId)
          ? Promise.reject(new RefractError('STORE.REJECTED', 'property type mismatch'))
          : parts.graph.apply(commands),
      };
      await publishEvents(parts.log, events);
      await (await runGraph({ ...parts, graph: refusing }, metrics)).stats;
      const reasons = new Set(metrics.calls.filter((c) => c.name === 'events_dead_lettered').map((c) => c.labels.reason));
      expect(reasons).toEqual(new Set(['STORE.REJECTED']));
      expect(metrics.total('events_dead_lettered', 'graph')).toBe(events.filter((e) => e.entity_id === poisonId).length);
    });
  });

  describe('store_retries', () => {
    it('counts each retry under the code of the error retried', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      let attempts = 0;
      const flaky: GraphStore = {
        ...parts.graph,
        apply: (commands) => (++attempts <= 2 ? Promise.reject(new RefractError('STORE.UNAVAILABLE', 'connection refused')) : parts.graph.apply(commands)),
      };
      await publishEvents(parts.log, events);
      const stats = await (await runGraph({ ...parts, graph: flaky }, metrics)).stats;
      const retries = metrics.calls.filter((c) => c.name === 'store_retries');
      expect(retries.map((c) => [c.leg, c.labels.code, c.value])).toEqual([['graph', 'STORE.UNAVAILABLE', 1], ['graph', 'STORE.UNAVAILABLE', 1]]);
      expect(stats.storeRetries).toBe(2);
    });
  });

  describe('embedding_seconds', () => {
    it('is observed for every call of the model on the vector leg, failed calls included', async () => {
      const parts = embeddedParts();
      const metrics = recordingMetrics();
      let calls = 0;
      const embedder: Embedder = {
        ...parts.embedder,
        embed: async (texts) => {
          calls += 1;
          await wait(20);
          if (calls === 1) throw new RefractError('EMBEDDER.UNAVAILABLE', 'model not loaded');
          return parts.embedder.embed(texts);
        },
      };
      await publishEvents(parts.log, persons);
      const subscription = await parts.log.subscribe({ topics: TOPICS, subscription: 'vector' });
      await runLeg(vectorLeg(parts.vectors, embedder, bankingApp, metrics), {
        subscription, deadLetters: parts.deadLetters, metrics, clock: parts.clock, logger: parts.logger,
        journal: createMemoryInFlightJournal(parts.journalDisks.vector), catalog: BANKING_PAYLOADS, random: seededRandom(3),
      }, FAST_OPTIONS);
      const timed = metrics.calls.filter((c) => c.name === 'embedding_seconds');
      expect(calls).toBeGreaterThan(1);
      expect(timed).toHaveLength(calls);
      expect(timed.every((c) => c.leg === 'vector' && c.value >= 0.015 && c.value < 5)).toBe(true);
    });
  });
});
