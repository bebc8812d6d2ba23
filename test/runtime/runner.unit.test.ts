import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RefractError } from '../../src/domain/index.ts';
import type { DeadLetters, Embedder, GraphStore } from '../../src/ports/index.ts';
import type { LegHealth } from '../../src/runtime/index.ts';
import { entityHistory } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs, startBothLegs, TOPICS, type Parts } from '../support/embedded-pipeline.ts';
import { expectedDocuments, expectedGraph } from '../support/oracle.ts';
import { graphSnapshot, vectorSnapshot } from '../support/snapshots.ts';

const events = fc.sample(entityHistory('account', 'acc-1'), { numRuns: 20, seed: 4 })
  .map((h, i) => h.map((e) => ({ ...e, entity_id: `acc-${i}` }))).flat();
const persons = fc.sample(entityHistory('person', 'p-1'), { numRuns: 12, seed: 7 })
  .map((h, i) => h.map((e) => ({ ...e, entity_id: `p-${i}` }))).flat();

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

/** A store whose reads fail too while it is "down", so the runner's point lookup sees it. */
function downFor(store: GraphStore, isDown: () => boolean): GraphStore {
  const fail = () => Promise.reject(new RefractError('STORE.UNAVAILABLE', 'connection refused'));
  return { ...store, apply: (c) => (isDown() ? fail() : store.apply(c)), get: (ids) => (isDown() ? fail() : store.get(ids)) };
}

const backlogOf = async (parts: Parts, subscription: string, topics: readonly string[] = TOPICS) =>
  (await parts.log.subscribe({ topics, subscription })).backlog();
const letters = (parts: Parts, leg: string) => parts.deadLetters.all().filter((l) => l.leg === leg);
const said = (parts: Parts, level: string, pattern: RegExp) =>
  parts.logger.entries.filter((e) => e.level === level && pattern.test(e.message));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the projection runner', () => {
  describe('when the store is briefly unavailable', () => {
    it('retries in process, logs every retry with its attempt and backoff, and dead-letters nothing', async () => {
      const parts = embeddedParts();
      const flaky = failingFirst(parts.graph, 2, () => new RefractError('STORE.UNAVAILABLE', 'connection refused'));
      await publishEvents(parts.log, events);
      const { graph } = await runBothLegs({ ...parts, graph: flaky });
      expect(graph.storeRetries).toBe(2);
      const retries = said(parts, 'warn', /graph store write .* attempt \d of 4 failed, retrying in \d+ ms/);
      expect(retries.map((r) => r.fields['attempt'])).toEqual([1, 2]);
      expect(parts.deadLetters.all()).toEqual([]);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });

  describe('when the store is down for longer than the retry bound', () => {
    it('reports the leg degraded, holds its backlog without dead letters, and recovers when the store is back', async () => {
      const parts = embeddedParts();
      let down = true;
      const health: LegHealth[] = [];
      await publishEvents(parts.log, events);
      const running = await startBothLegs({ ...parts, graph: downFor(parts.graph, () => down) }, { onHealth: (leg, h) => leg === 'graph' && health.push(h) });
      while (!health.some((h) => h.state === 'degraded')) await wait(5);
      expect(await backlogOf(parts, 'graph')).toBe(events.length);
      expect(said(parts, 'error', /degraded and holds its backlog/).length).toBeGreaterThan(0);
      down = false;
      await running.done;
      expect(health.map((h) => h.state)).toEqual(['degraded', 'healthy']);
      expect(parts.deadLetters.all()).toEqual([]);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });

  describe('when the store refuses every write as if each item were bad', () => {
    it.each([
      ['a per-item rejection', () => new RefractError('STORE.REJECTED', 'java.lang.OutOfMemoryError')],
      ['an error the adapter does not recognise', () => new RefractError('STORE.FAILED', 'PermanentBackendException')],
      ['a bug (a plain Error)', () => new TypeError('bug in adapter')],
    ])('%s: stops the leg once more than half the batch failed, with nothing acked or dead-lettered', async (_, error) => {
      const parts = embeddedParts();
      const broken = failingFirst(parts.graph, Infinity, error);
      await publishEvents(parts.log, events);
      await expect(runBothLegs({ ...parts, graph: broken })).rejects.toMatchObject({ code: 'LEG.STOPPED' });
      expect(letters(parts, 'graph')).toEqual([]);
      expect(await backlogOf(parts, 'graph')).toBe(events.length);
      expect(said(parts, 'error', /the leg stopped with nothing of its batch acked/)).toHaveLength(1);
    });
  });

  describe('when one message of a batch makes the store throw an error nobody recognises', () => {
    it('retries it alone with a bound, dead-letters it with its stack, and applies and acks its neighbours', async () => {
      const parts = embeddedParts();
      const poisonId = events[0]!.entity_id;
      let poisonAttempts = 0;
      const picky: GraphStore = {
        ...parts.graph,
        apply: (commands) => {
          if (!commands.some((c) => c.id === poisonId)) return parts.graph.apply(commands);
          if (commands.length === 1) poisonAttempts += 1;
          return Promise.reject(new Error('poison'));
        },
      };
      await publishEvents(parts.log, events);
      await runBothLegs({ ...parts, graph: picky }, { itemAttempts: 3 });
      const good = events.filter((e) => e.entity_id !== poisonId);
      const snapshot = await graphSnapshot(parts.graph);
      for (const [id, vertex] of expectedGraph(good)) if (vertex.version > 0) expect(snapshot.get(id)).toEqual(vertex);
      const graphLetters = letters(parts, 'graph');
      expect(new Set(graphLetters.map((l) => l.key))).toEqual(new Set([poisonId]));
      expect(graphLetters.every((l) => l.code === 'UNKNOWN' && l.stack?.includes('poison') && l.properties['attempts'] === '3')).toBe(true);
      expect(poisonAttempts).toBe(3 * events.filter((e) => e.entity_id === poisonId).length);
      expect(await backlogOf(parts, 'graph')).toBe(0);
    });
  });

  describe('when the embedder always fails on one text', () => {
    it('dead-letters the messages carrying that text and embeds the rest', async () => {
      const parts = embeddedParts();
      const cursed = persons.find((e) => e.event_type !== 'delete' && e.text_for_embedding?.trim())!.text_for_embedding!;
      const picky: Embedder = {
        ...parts.embedder,
        embed: (texts) => texts.includes(cursed)
          ? Promise.reject(new RefractError('EMBEDDER.UNAVAILABLE', 'inference failed'))
          : parts.embedder.embed(texts),
      };
      await publishEvents(parts.log, persons);
      await runBothLegs({ ...parts, embedder: picky });
      const vectorLetters = letters(parts, 'vector');
      expect(vectorLetters.length).toBeGreaterThan(0);
      expect(vectorLetters.every((l) => l.code === 'EMBEDDER.UNAVAILABLE')).toBe(true);
      expect(await backlogOf(parts, 'vector')).toBe(0);
      // Every entity whose newest version does not carry the cursed text is exact.
      const clean = new Set(persons.map((e) => e.entity_id).filter((id) =>
        !persons.some((e) => e.entity_id === id && e.event_type !== 'delete' && e.text_for_embedding === cursed)));
      const expected = expectedDocuments(persons.filter((e) => clean.has(e.entity_id)), parts.embedder.modelId);
      const snapshot = await vectorSnapshot(parts.vectors, ['person']);
      for (const [id, document] of expected) expect(snapshot.get(id)).toEqual(document);
    });
  });

  describe('when the embedder fails on every text', () => {
    it('holds the vector leg degraded, dead-letters nothing, and catches up once it answers', async () => {
      const parts = embeddedParts();
      let down = true;
      const health: LegHealth[] = [];
      const flaky: Embedder = {
        ...parts.embedder,
        embed: (texts) => (down ? Promise.reject(new RefractError('EMBEDDER.UNAVAILABLE', 'model not loaded')) : parts.embedder.embed(texts)),
      };
      await publishEvents(parts.log, persons);
      const running = await startBothLegs({ ...parts, embedder: flaky }, { onHealth: (leg, h) => leg === 'vector' && health.push(h) });
      while (!health.some((h) => h.state === 'degraded')) await wait(5);
      down = false;
      await running.done;
      expect(parts.deadLetters.all()).toEqual([]);
      expect(await vectorSnapshot(parts.vectors, ['person'])).toEqual(expectedDocuments(persons, parts.embedder.modelId));
    });
  });

  describe('when asked to stop while the store is down', () => {
    it('stops without acking the batch in hand, which a new consumer then applies', async () => {
      const parts = embeddedParts();
      const down = failingFirst(parts.graph, Infinity, () => new RefractError('STORE.UNAVAILABLE', 'down'));
      await publishEvents(parts.log, events);
      const controller = new AbortController();
      const running = await startBothLegs({ ...parts, graph: down }, { signal: controller.signal, stopWhenDrained: false });
      while ((await running.subscriptions.vector.backlog()) > 0 || down.attempts < 3) await wait(5);
      controller.abort();
      const stats = await running.done;
      expect(stats.graph).toMatchObject({ applied: 0, deadLettered: 0 });
      expect(parts.deadLetters.all()).toEqual([]);
      await running.subscriptions.graph.close();
      await runBothLegs(parts);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });

  describe('when the dead letters cannot be made durable', () => {
    const withBadInput = (parts: Parts) => publishEvents(parts.log, events).then(() =>
      parts.log.publish([{ topic: 'accounts', key: 'bad', payload: new TextEncoder().encode('{not json'), properties: {} }]));

    it('acks nothing when the dead-letter store refuses, and stops the leg', async () => {
      const parts = embeddedParts();
      const refusing = { ...parts.deadLetters, send: () => Promise.reject(new RefractError('LOG.REFUSED', 'dead-letter topic is not writable')) };
      await withBadInput(parts);
      await expect(runBothLegs({ ...parts, deadLetters: refusing })).rejects.toThrow(/not writable/);
      expect(await backlogOf(parts, 'graph')).toBe(events.length + 1);
    });

    it('holds the batch, unacked, while the dead-letter store is unavailable, and acks once the letter is durable', async () => {
      const parts = embeddedParts();
      let sends = 0;
      const flaky = {
        ...parts.deadLetters,
        send: (batch: Parameters<DeadLetters["send"]>[0]) => (++sends <= 6 ? Promise.reject(new RefractError('LOG.UNAVAILABLE', 'broker restarting')) : parts.deadLetters.send(batch)),
      };
      await withBadInput(parts);
      const running = await startBothLegs({ ...parts, deadLetters: flaky });
      while (sends < 5) await wait(1);
      expect(await backlogOf(parts, 'graph')).toBeGreaterThan(0);
      await running.done;
      expect(letters(parts, 'graph').map((l) => l.key)).toEqual(['bad']);
      expect(await backlogOf(parts, 'graph')).toBe(0);
    });
  });
});

describe('the projection runner, on errors a store throws for a whole batch', () => {
  describe('when the error is a configuration error', () => {
    it('stops the leg at once, without retries, and acks nothing', async () => {
      const parts = embeddedParts();
      const misconfigured = failingFirst(parts.graph, Infinity, () => new RefractError('CONFIG.INVALID', 'JanusGraph refused the credentials (401)'));
      await publishEvents(parts.log, events);
      await expect(runBothLegs({ ...parts, graph: misconfigured })).rejects.toThrow(/401/);
      expect(misconfigured.attempts).toBe(1);
      expect(parts.deadLetters.all()).toEqual([]);
      expect(await backlogOf(parts, 'graph', ['accounts'])).toBe(events.length);
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
      await runBothLegs({ ...parts, graph: refusing });
      const graphLetters = letters(parts, 'graph');
      expect(new Set(graphLetters.map((l) => `${l.key}:${l.code}`))).toEqual(new Set([`${poisonId}:STORE.REJECTED`]));
    });
  });

  describe('when a few messages of a large batch are rejected', () => {
    it('dead-letters them and carries on: the tolerance is about shares, not single items', async () => {
      const parts = embeddedParts();
      const rejectedIds = new Set(events.slice(0, 3).map((e) => e.entity_id));
      const picky: GraphStore = {
        ...parts.graph,
        apply: async (commands) => {
          const result = await parts.graph.apply(commands.filter((c) => !rejectedIds.has(c.id)));
          const rejected = commands.flatMap((c, position) => (rejectedIds.has(c.id) ? [{ position, error: new RefractError('STORE.REJECTED', 'bad value') }] : []));
          return { ...result, rejected };
        },
      };
      await publishEvents(parts.log, events);
      await runBothLegs({ ...parts, graph: picky });
      expect(new Set(letters(parts, 'graph').map((l) => l.key))).toEqual(rejectedIds);
      expect(await backlogOf(parts, 'graph')).toBe(0);
    });
  });
});

describe('the projection runner, on freshness', () => {
  describe('when a batch is written', () => {
    it('reports the publish time of every message it wrote, once durable, and none for a dead letter', async () => {
      const parts = embeddedParts();
      await publishEvents(parts.log, events);
      await parts.log.publish([{ topic: 'accounts', key: 'bad', payload: new TextEncoder().encode('{not json'), properties: {} }]);
      const durable: { leg: string; count: number; lag: number }[] = [];
      await runBothLegs(parts, {
        onDurable: (leg, publishTimes, at) =>
          durable.push({ leg, count: publishTimes.length, lag: Math.min(...publishTimes.map((t) => at - t)) }),
      });
      const graphWritten = durable.filter((d) => d.leg === 'graph');
      expect(graphWritten.reduce((n, d) => n + d.count, 0)).toBe(events.length);
      expect(graphWritten.every((d) => d.lag >= 0)).toBe(true);
      // The vector leg writes nothing for accounts: no freshness to report.
      expect(durable.filter((d) => d.leg === 'vector').reduce((n, d) => n + d.count, 0)).toBe(0);
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
