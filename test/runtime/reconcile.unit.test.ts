import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryGraphStore } from '../../src/adapters/memory/memory-graph-store.ts';
import { createMemoryVectorStore } from '../../src/adapters/memory/memory-vector-store.ts';
import { CURRENT_SCHEMA_VERSION, type EntityEvent } from '../../src/domain/index.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import { reconcile, repairDivergence, type ReconcileProgress } from '../../src/runtime/index.ts';
import { embeddedParts, publishEvents, runBothLegs, type Parts } from '../support/embedded-pipeline.ts';

const PERSON = { full_name: 'Anna Keller', date_of_birth: '1980-02-03', nationality: 'DE', city: 'Berlin', occupation: 'nurse', risk_rating: 'low' };
const account = (owner: string) => ({
  iban: 'DE89370400440532013000', currency: 'EUR', account_type: 'current', status: 'active', opened_at: '2020-01-01T00:00:00.000Z',
  owner: { entity_type: 'person', entity_id: owner },
});

/** An event of the banking app; deletes carry no payload. */
export function bankingEvent(
  type: 'person' | 'account', id: string, version: number, kind: EntityEvent['event_type'], payload: Record<string, unknown> = PERSON,
): EntityEvent {
  return {
    event_id: randomUUID(), event_type: kind, entity_type: type, entity_id: id, version,
    occurred_at: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString(),
    payload: kind === 'delete' ? {} : payload,
    ...(kind !== 'delete' && type === 'person' ? { text_for_embedding: `person ${id} version ${version}` } : {}),
    source: 'reconcile-test', schema_version: CURRENT_SCHEMA_VERSION,
  };
}

const quick = { settle: { attempts: 0, delayMs: 0 }, pageSize: 3 };
const check = (parts: Parts, extra: Partial<Parameters<typeof reconcile>[0]> = {}) =>
  reconcile({ log: parts.log, app: bankingApp, graph: parts.graph, vectors: parts.vectors, ...quick, ...extra });
const leg = (report: Awaited<ReturnType<typeof reconcile>>, store: string) => {
  const found = report.legs.find((l) => l.store === store);
  if (!found) throw new Error(`no report for ${store}`);
  return found;
};
const nonZero = (counts: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

/** Applied by the legs: p1 (v1), p2 (v1), p3 (v1 and a v2 delete), a1 owned by p-old then by p1. */
const applied = [
  bankingEvent('person', 'p1', 1, 'create'),
  bankingEvent('person', 'p2', 1, 'create'),
  bankingEvent('person', 'p3', 1, 'create'),
  bankingEvent('person', 'p3', 2, 'delete'),
  bankingEvent('account', 'a1', 1, 'create', account('p-old')),
  bankingEvent('account', 'a1', 2, 'update', account('p1')),
  // p-never has no event: a placeholder that a live vertex points at, as expected as any vertex.
  bankingEvent('account', 'a2', 1, 'create', account('p-never')),
];
/** On the log only, never applied: p4 new, p1 updated, p2 deleted, p5 created and deleted. */
const inFlight = [
  bankingEvent('person', 'p4', 1, 'create'),
  bankingEvent('person', 'p1', 2, 'update'),
  bankingEvent('person', 'p2', 2, 'delete'),
  bankingEvent('person', 'p5', 1, 'create'),
  bankingEvent('person', 'p5', 2, 'delete'),
];

const NOISY_LOG = { seed: 3, duplicateRate: 0.3, redeliveryRate: 0.2, shuffle: true };

async function converged(logOptions: Parameters<typeof embeddedParts>[0] = NOISY_LOG): Promise<Parts> {
  const parts = embeddedParts(logOptions);
  // In two rounds, so a1's first owner surely got its placeholder (in one batch, v2 alone might land).
  await publishEvents(parts.log, applied.filter((e) => e.version === 1));
  await runBothLegs(parts, { batchSize: 2 });
  await publishEvents(parts.log, applied.filter((e) => e.version === 2));
  await runBothLegs(parts, { batchSize: 2 });
  return parts;
}

describe('reconcile', () => {
  describe('when both stores hold what the log says', () => {
    it('reports nothing, with the entities and messages it read', async () => {
      const parts = await converged();
      const progress: ReconcileProgress[] = [];
      const report = await check(parts, { onProgress: (p) => progress.push(p) });
      expect(report.divergent).toBe(false);
      expect(report.logEntities).toBe(5);
      expect(report.logMessages).toBe(parts.log.stats().published + parts.log.stats().duplicatesStored);
      // p-old is a placeholder a1 no longer points at: the one thing the store holds that the log does not want.
      expect(report.legs.map((l) => [l.store, nonZero(l.counts)])).toEqual([['graph', { orphanPlaceholder: 1 }], ['person', {}], ['company', {}]]);
      expect(leg(report, 'graph').samples.orphanPlaceholder).toEqual([{ id: 'p-old', store: { version: 0, deleted: false } }]);
      expect(leg(report, 'graph').scanned).toBe(7);
      expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['log', 'scan']));
    });
  });

  describe('when events on the log have not reached the stores', () => {
    it('finds each entity missing, behind, resurrected and without its tombstone', async () => {
      const parts = await converged();
      await publishEvents(parts.log, inFlight);
      const report = await check(parts, { samples: 5 });
      expect(report.divergent).toBe(true);
      expect(nonZero(leg(report, 'graph').counts)).toEqual({ missing: 1, behind: 1, resurrected: 1, tombstoneMissing: 1, orphanPlaceholder: 1 });
      expect(nonZero(leg(report, 'person').counts)).toEqual({ missing: 1, behind: 1, resurrected: 1, tombstoneMissing: 1 });
      const graph = leg(report, 'graph');
      expect(graph.samples.missing).toEqual([{ id: 'p4', entity: 'p4', log: { version: 1, deleted: false } }]);
      expect(graph.samples.behind).toEqual([{ id: 'p1', entity: 'p1', log: { version: 2, deleted: false }, store: { version: 1, deleted: false } }]);
      expect(graph.samples.resurrected).toEqual([{ id: 'p2', entity: 'p2', log: { version: 2, deleted: true }, store: { version: 1, deleted: false } }]);
      expect(graph.samples.tombstoneMissing).toEqual([{ id: 'p5', entity: 'p5', log: { version: 2, deleted: true } }]);
      expect([...graph.redrive].sort()).toEqual(['p1', 'p2', 'p4', 'p5']);
    });

    it('reports none of it once the settle re-check finds the legs caught up', async () => {
      const parts = await converged();
      await publishEvents(parts.log, inFlight);
      const legs = runBothLegs(parts, { batchSize: 1 });
      const report = await check(parts, { settle: { attempts: 20, delayMs: 20 } });
      await legs;
      expect(report.legs.map((l) => nonZero(l.counts))).toEqual([{ orphanPlaceholder: 1 }, {}, {}]);
    });
  });

  describe('when the stores hold what no event on the log wrote', () => {
    it('finds versions ahead of the log and elements not on it', async () => {
      const parts = await converged();
      await parts.graph.apply([
        { kind: 'upsert_vertex', label: 'person', id: 'p1', version: 9, properties: {}, edges: [] },
        { kind: 'upsert_vertex', label: 'person', id: 'stranger', version: 1, properties: {}, edges: [] },
      ]);
      const embedding = new Float32Array(parts.embedder.dimension).fill(0.1);
      await parts.vectors.write([{ kind: 'index', index: 'person', id: 'stranger', version: 3, fields: {}, textHash: 'h', modelId: 'm', embedding }]);
      const report = await check(parts);
      expect(nonZero(leg(report, 'graph').counts)).toEqual({ ahead: 1, notOnLog: 1, orphanPlaceholder: 1 });
      expect(leg(report, 'graph').samples.ahead).toEqual([{ id: 'p1', entity: 'p1', log: { version: 1, deleted: false }, store: { version: 9, deleted: false } }]);
      expect(nonZero(leg(report, 'person').counts)).toEqual({ notOnLog: 1 });
      const outcome = await repairDivergence({ log: parts.log, app: bankingApp, graph: parts.graph, vectors: parts.vectors }, report);
      expect(outcome.republished).toBe(0);
      expect(outcome.notRepairable.map((n) => [n.store, n.category, n.count])).toEqual([
        ['graph', 'ahead', 1], ['graph', 'notOnLog', 1], ['graph', 'orphanPlaceholder', 1], ['person', 'notOnLog', 1],
      ]);
    });
  });

  describe('when a graph purge removed old tombstones', () => {
    it('expects them gone only where purgedBefore says a purge may have run', async () => {
      const parts = await converged();
      await parts.graph.purge({ olderThan: Date.UTC(2030, 0, 1) });
      const tombstoneP3 = Date.UTC(2026, 0, 1, 0, 0, 2);
      expect(nonZero(leg(await check(parts), 'graph').counts)).toEqual({ tombstoneMissing: 1 });
      expect(nonZero(leg(await check(parts, { purgedBefore: tombstoneP3 + 1 }), 'graph').counts)).toEqual({});
    });
  });

  describe('when a store lost what the legs wrote', () => {
    it('re-drives the newest message of each entity short of the log, and the legs bring the store back', async () => {
      // No random redeliveries: they would hand the legs old messages again and mask a repair that re-drove the wrong ones.
      const parts = await converged({ seed: 3, duplicateRate: 0.3, shuffle: true });
      const lost = { ...parts, graph: createMemoryGraphStore(), vectors: createMemoryVectorStore() };
      const before = await check(lost);
      expect(nonZero(leg(before, 'graph').counts)).toEqual({ missing: 4, tombstoneMissing: 1 });
      expect(nonZero(leg(before, 'person').counts)).toEqual({ missing: 2, tombstoneMissing: 1 });
      const published = parts.log.stats().published;
      const outcome = await repairDivergence({ log: lost.log, app: bankingApp, graph: lost.graph, vectors: lost.vectors }, before);
      expect(outcome).toMatchObject({ republished: 5, notFound: 0 });
      expect(parts.log.stats().published - published).toBe(5);
      await runBothLegs(lost);
      const after = await check(lost);
      // The placeholder of p-old went with the old store; only the newest version of a1 was re-driven.
      expect(after.divergent).toBe(false);
    });
  });
});
