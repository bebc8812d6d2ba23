import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, type EntityEvent } from '../../src/domain/index.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import { reconcile, type ReconcileReport } from '../../src/runtime/index.ts';
import { eventsFor } from '../support/app-arbitraries.ts';
import { bankingHistories } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs, type Parts } from '../support/embedded-pipeline.ts';

const SEED = process.env['REFRACT_FC_SEED'] ? { seed: Number(process.env['REFRACT_FC_SEED']) } : {};
const check = (parts: Parts) => reconcile({
  log: parts.log, app: bankingApp, graph: parts.graph, vectors: parts.vectors,
  samples: 1_000, pageSize: 4, settle: { attempts: 0, delayMs: 0 },
});
const drained = async (events: readonly EntityEvent[], seed: number) => {
  const parts = embeddedParts({ seed, duplicateRate: 0.2, redeliveryRate: 0.2, shuffle: true });
  await publishEvents(parts.log, events);
  await runBothLegs(parts, { batchSize: 3 });
  return parts;
};
/** Every divergent id per store, orphan placeholders aside (housekeeping, not divergence). */
const divergentIds = (report: ReconcileReport) => report.legs.flatMap((l) =>
  Object.entries(l.samples).flatMap(([category, samples]) => (category === 'orphanPlaceholder' ? [] : samples.map((s) => `${l.store}:${s.id}`))));

const injection = fc.record({
  kind: fc.constantFrom('graph ahead', 'vector ahead', 'graph stranger', 'vector stranger', 'newer event on the log only'),
  pick: fc.nat(),
  deleteIt: fc.boolean(),
});

describe('reconcile, as a property', () => {
  describe('when any events were delivered in any order, duplicated, and both legs drained', () => {
    it('reports no divergence', async () => {
      await fc.assert(fc.asyncProperty(bankingHistories, fc.nat(), async (events, seed) => {
        const report = await check(await drained(events, seed));
        expect(divergentIds(report)).toEqual([]);
        expect(report.divergent).toBe(false);
        expect(report.logEntities).toBe(new Set(events.map((e) => e.entity_id)).size);
      }), { numRuns: 60, ...SEED });
    });

    it('reports none for the library app either', async () => {
      const libraryApp = (await import('../../examples/library/app.ts')).default;
      await fc.assert(fc.asyncProperty(eventsFor(libraryApp), async (events) => {
        const parts = embeddedParts({ seed: 4, duplicateRate: 0.2, shuffle: true });
        await publishEvents(parts.log, events, libraryApp);
        await runBothLegs(parts, { batchSize: 3 }, libraryApp);
        const { graph, vectors } = parts;
        const report = await reconcile({ log: parts.log, app: libraryApp, graph, vectors, settle: { attempts: 0, delayMs: 0 } });
        expect(report.divergent).toBe(false);
      }), { numRuns: 25, ...SEED });
    });
  });

  describe('when one divergence is injected after the drain', () => {
    it('finds it, under the key it was injected at', async () => {
      const histories = bankingHistories.filter((e) => e.length > 0);
      await fc.assert(fc.asyncProperty(histories, injection, async (events, { kind, pick, deleteIt }) => {
        const parts = await drained(events, pick);
        const target = events[pick % events.length]!;
        const newest = Math.max(...events.filter((e) => e.entity_id === target.entity_id).map((e) => e.version));
        const embedding = new Float32Array(parts.embedder.dimension).fill(0.5);
        let expected: string;
        switch (kind) {
          case 'graph ahead':
            await parts.graph.apply([{ kind: 'upsert_vertex', label: target.entity_type, id: target.entity_id, version: newest + 1, properties: {}, edges: [] }]);
            expected = `graph:${target.entity_id}`;
            break;
          case 'vector ahead':
            await parts.vectors.write([{ kind: 'tombstone', index: 'person', id: target.entity_id, version: newest + 1 }]);
            expected = `person:${target.entity_id}`;
            break;
          case 'graph stranger':
            await parts.graph.apply([{ kind: 'tombstone_vertex', label: 'person', id: `stranger-${pick}`, version: 1, deletedAt: 0 }]);
            expected = `graph:stranger-${pick}`;
            break;
          case 'vector stranger':
            await parts.vectors.write([{ kind: 'index', index: 'company', id: `stranger-${pick}`, version: 2, fields: {}, textHash: 'h', modelId: 'm', embedding }]);
            expected = `company:stranger-${pick}`;
            break;
          case 'newer event on the log only': {
            // An update carries a valid state: the payload of one of the entity's non-deletes (its create at least).
            const live = events.find((e) => e.entity_id === target.entity_id && e.event_type !== 'delete') ?? target;
            await publishEvents(parts.log, [{
              ...live, event_id: crypto.randomUUID(), version: newest + 1,
              ...(deleteIt ? { event_type: 'delete', payload: {}, text_for_embedding: undefined } : { event_type: 'update' }),
              schema_version: CURRENT_SCHEMA_VERSION,
            }]);
            expected = `graph:${target.entity_id}`;
            break;
          }
        }
        const report = await check(parts);
        expect(report.divergent).toBe(true);
        expect(divergentIds(report)).toContain(expected);
      }), { numRuns: 80, ...SEED });
    });
  });
});
