import { describe, expect, it } from 'vitest';
import { RefractError } from '../../src/domain/index.ts';
import type { GraphStore } from '../../src/ports/index.ts';
import { entityHistory } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs, startBothLegs } from '../support/embedded-pipeline.ts';
import { expectedGraph } from '../support/oracle.ts';
import { graphSnapshot } from '../support/snapshots.ts';
import fc from 'fast-check';

const events = fc.sample(entityHistory('account', 'acc-1'), { numRuns: 20, seed: 4 })
  .map((h, i) => h.map((e) => ({ ...e, entity_id: `acc-${i}` }))).flat();

/** Fails its first `n` applies with `error`, then behaves. */
function failingFirst(store: GraphStore, n: number, error: () => Error): GraphStore & { attempts: number } {
  const wrapper = {
    ...store,
    attempts: 0,
    apply(commands: Parameters<GraphStore['apply']>[0]) {
      wrapper.attempts += 1;
      if (wrapper.attempts <= n) return Promise.reject(error());
      return store.apply(commands);
    },
  };
  return wrapper;
}

describe('the projection runner', () => {
  describe('when the store is briefly unavailable', () => {
    it('retries in process until it succeeds, without nacking or dead-lettering', async () => {
      const parts = embeddedParts();
      const flaky = failingFirst(parts.graph, 4, () => new RefractError('STORE.UNAVAILABLE', 'connection refused'));
      await publishEvents(parts.log, events);
      const { graph } = await runBothLegs({ ...parts, graph: flaky });
      expect(graph.storeRetries).toBe(4);
      expect(graph.nacked).toBe(0);
      expect(parts.deadLetters.all()).toEqual([]);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });

  describe('when the store fails with an unknown error every time', () => {
    it('nacks, and dead-letters each message with its stack after the redelivery limit', async () => {
      const parts = embeddedParts();
      const broken = failingFirst(parts.graph, Infinity, () => new TypeError('bug in adapter'));
      await publishEvents(parts.log, events.slice(0, 3));
      const { graph } = await runBothLegs({ ...parts, graph: broken }, { maxRedeliveries: 2 });
      const letters = parts.deadLetters.all().filter((l) => l.leg === 'graph');
      expect(letters).toHaveLength(3);
      expect(letters.every((l) => l.code === 'UNKNOWN' && l.stack?.includes('bug in adapter') && l.properties['redelivery_count'] === '2')).toBe(true);
      expect(graph.nacked).toBe(6);
    });
  });

  describe('when one message of a batch makes the store throw an unknown error', () => {
    it('isolates it: its neighbours are applied and acked at once', async () => {
      const parts = embeddedParts();
      const poisonId = events[0]!.entity_id;
      const picky: GraphStore = {
        ...parts.graph,
        apply: (commands) =>
          commands.some((c) => c.id === poisonId) ? Promise.reject(new Error('poison')) : parts.graph.apply(commands),
      };
      await publishEvents(parts.log, events);
      await runBothLegs({ ...parts, graph: picky }, { maxRedeliveries: 0 });
      const good = events.filter((e) => e.entity_id !== poisonId);
      const snapshot = await graphSnapshot(parts.graph);
      for (const [id, vertex] of expectedGraph(good)) if (vertex.version > 0) expect(snapshot.get(id)).toEqual(vertex);
      const letters = parts.deadLetters.all().filter((l) => l.leg === 'graph');
      expect(new Set(letters.map((l) => l.key))).toEqual(new Set([poisonId]));
    });
  });

  describe('when asked to stop while the store is down', () => {
    it('stops without acking the batch in hand, which a new consumer then applies', async () => {
      const parts = embeddedParts();
      const down = failingFirst(parts.graph, Infinity, () => new RefractError('STORE.UNAVAILABLE', 'down'));
      await publishEvents(parts.log, events);
      const controller = new AbortController();
      const running = await startBothLegs({ ...parts, graph: down }, { signal: controller.signal, stopWhenDrained: false });
      while ((await running.subscriptions.vector.backlog()) > 0 || down.attempts < 3) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      const stats = await running.done;
      expect(stats.graph).toMatchObject({ applied: 0, nacked: 0, deadLettered: 0 });
      expect(parts.deadLetters.all()).toEqual([]);
      await running.subscriptions.graph.close();
      await runBothLegs(parts);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });
});

describe('the projection runner, on errors a store throws for a whole batch', () => {
  describe('when the error is a configuration error', () => {
    it('stops the leg with the error and acks nothing', async () => {
      const parts = embeddedParts();
      const misconfigured = failingFirst(parts.graph, Infinity, () => new RefractError('CONFIG.INVALID', 'vector dimension 384 does not match the index (768)'));
      await publishEvents(parts.log, events);
      await expect(runBothLegs({ ...parts, graph: misconfigured })).rejects.toThrow(/vector dimension/);
      expect(parts.deadLetters.all()).toEqual([]);
      const graphSub = await parts.log.subscribe({ topics: ['accounts'], subscription: 'graph' });
      expect(await graphSub.backlog()).toBe(events.length);
    });
  });

  describe('when the store refuses one message\u2019s write for the whole request', () => {
    it('dead-letters only that message once isolated, and applies the rest', async () => {
      const parts = embeddedParts();
      const poisonId = events[0]!.entity_id;
      const refusing: GraphStore = {
        ...parts.graph,
        apply: (commands) =>
          commands.some((c) => c.id === poisonId)
            ? Promise.reject(new RefractError('STORE.REJECTED', 'property type mismatch'))
            : parts.graph.apply(commands),
      };
      await publishEvents(parts.log, events);
      const { graph } = await runBothLegs({ ...parts, graph: refusing });
      const letters = parts.deadLetters.all().filter((l) => l.leg === 'graph');
      expect(new Set(letters.map((l) => `${l.key}:${l.code}`))).toEqual(new Set([`${poisonId}:STORE.REJECTED`]));
      expect(graph.nacked).toBe(0);
    });
  });
});

describe('the vector sink', () => {
  describe('when a batch holds several versions older than the stored one', () => {
    it('counts each of them stale exactly once', async () => {
      const { createVectorSink } = await import('../../src/runtime/vector-sink.ts');
      const parts = embeddedParts();
      const sink = createVectorSink(parts.vectors, parts.embedder);
      const upsert = (version: number) => ({ kind: 'upsert_document' as const, index: 'person', id: 'p', version, fields: {}, text: 'nurse' });
      await sink.apply([upsert(10)]);
      expect(await sink.apply([upsert(1), upsert(2), upsert(3)])).toMatchObject({ applied: 0, stale: 3 });
    });
  });
});
