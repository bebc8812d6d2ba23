import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphStore, VectorStore } from '../../src/ports/index.ts';
import type { App } from '../../src/projections/app.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import libraryApp from '../../examples/library/app.ts';
import { eventsFor } from '../support/app-arbitraries.ts';
import { bankingHistories, deliveryPlan } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../support/embedded-pipeline.ts';
import { expectedDocuments, expectedGraph } from '../support/oracle.ts';
import { graphSnapshot, vectorSnapshot } from '../support/snapshots.ts';
import { misplacedVectors } from '../support/vector-truth.ts';

/** Stores for one property run, empty (or on ids and indices of their own). */
export interface FreshStores {
  readonly graph?: GraphStore;
  readonly vectors?: VectorStore;
  readonly cleanUp?: () => Promise<void>;
}

export interface ConvergenceTarget {
  readonly name: string;
  readonly numRuns: number;
  /** Stores under test; the memory adapters stand in for whichever is absent. */
  readonly fresh: () => Promise<FreshStores>;
}

const INDICES = ['person', 'company'];
/** Every index a projection of the app declares. */
const ALL_INDICES = bankingApp.indices.map((i) => i.name);
/**
 * The applications whose every declared output the contract compares, with events derived from
 * their schemas: a projection added to one of them is covered with no test code of its own.
 */
const APPS: readonly App[] = [bankingApp, libraryApp];
/** REFRACT_FC_SEED replays the seed a failure printed. */
const SEED = process.env['REFRACT_FC_SEED'] ? { seed: Number(process.env['REFRACT_FC_SEED']) } : {};

/**
 * The convergence properties (docs/adr/0002), shared by the in-memory stores and every real
 * store: the expected state comes from the independent oracle, never from the code under test.
 */
export function convergenceContract(target: ConvergenceTarget) {
  const runs = { numRuns: target.numRuns, ...SEED };
  /** A real store's run can take seconds (a cold JanusGraph: about 9 s); each property gets time in proportion. */
  const budget = Math.max(120_000, target.numRuns * 12_000);
  const withStores = async (body: (stores: FreshStores) => Promise<void>) => {
    const stores = await target.fresh();
    try {
      await body(stores);
    } finally {
      await stores.cleanUp?.();
    }
  };

  describe(`convergence: ${target.name}`, () => {
    describe('when any events are delivered in any order, duplicated, in any batches', () => {
      it("ends with every store equal to the state of each entity's highest version", async () => {
        const seen = { duplicates: 0, redeliveries: 0 };
        await fc.assert(
          fc.asyncProperty(
            bankingHistories.chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events), fc.integer())),
            async ([events, plan, seed]) =>
              withStores(async (stores) => {
                const parts = embeddedParts({ seed, shuffle: true, duplicateRate: 0.2, redeliveryRate: 0.2 }, stores);
                await publishEvents(parts.log, plan.order.map((i) => events[i]!));
                await runBothLegs(parts, { batchSize: plan.batchSize });
                seen.duplicates += parts.log.stats().duplicatesStored;
                seen.redeliveries += parts.log.stats().redeliveries;

                expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
                expect(await vectorSnapshot(parts.vectors, INDICES)).toEqual(expectedDocuments(events, parts.embedder.modelId));
                expect(await misplacedVectors(parts.vectors, INDICES, parts.embedder, events)).toEqual([]);
                expect(parts.deadLetters.all()).toEqual([]);
              }),
          ),
          { ...runs, plugins: [fc.unbiased()] },
        );
        // The property is only as strong as the disorder it saw.
        expect(seen.duplicates).toBeGreaterThan(0);
        expect(seen.redeliveries).toBeGreaterThan(0);
      }, budget);
    });

    describe('when compared with an in-order, once-only run on the in-memory stores', () => {
      it('holds exactly the same state, for every registered projection', async () => {
        await fc.assert(
          fc.asyncProperty(
            bankingHistories.chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events), fc.integer())),
            async ([events, plan, seed]) =>
              withStores(async (stores) => {
                const reference = embeddedParts();
                await publishEvents(reference.log, [...events].sort((a, b) => a.version - b.version));
                await runBothLegs(reference, { batchSize: 1 });
                const parts = embeddedParts({ seed, shuffle: true, duplicateRate: 0.2, redeliveryRate: 0.2 }, stores);
                await publishEvents(parts.log, plan.order.map((i) => events[i]!));
                await runBothLegs(parts, { batchSize: plan.batchSize });

                expect(await graphSnapshot(parts.graph, null)).toEqual(await graphSnapshot(reference.graph, null));
                expect(await vectorSnapshot(parts.vectors, ALL_INDICES)).toEqual(await vectorSnapshot(reference.vectors, ALL_INDICES));
              }),
          ),
          { ...runs, numRuns: Math.max(5, Math.round(target.numRuns / 2)) },
        );
      }, budget);
    });

    describe('for every application, on every output its projections declare', () => {
      for (const app of APPS) {
        it(`${app.name}: events from its schemas, in any order, duplicated, in any batches, leave the state of an in-order once-only run`, async () => {
          const indices = app.indices.map((i) => i.name);
          await fc.assert(
            fc.asyncProperty(
              eventsFor(app).chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events), fc.integer())),
              async ([events, plan, seed]) =>
                withStores(async (stores) => {
                  const reference = embeddedParts();
                  await publishEvents(reference.log, events, app);
                  await runBothLegs(reference, { batchSize: 1 }, app);
                  const parts = embeddedParts({ seed, shuffle: true, duplicateRate: 0.2, redeliveryRate: 0.2 }, stores);
                  await publishEvents(parts.log, plan.order.map((i) => events[i]!), app);
                  await runBothLegs(parts, { batchSize: plan.batchSize }, app);

                  expect(reference.deadLetters.all()).toEqual([]);
                  expect(parts.deadLetters.all()).toEqual([]);
                  expect(await graphSnapshot(parts.graph, null)).toEqual(await graphSnapshot(reference.graph, null));
                  expect(await vectorSnapshot(parts.vectors, indices)).toEqual(await vectorSnapshot(reference.vectors, indices));
                }),
            ),
            { ...runs, numRuns: Math.max(3, Math.round(target.numRuns / 5)) },
          );
        }, budget);
      }
    });

    describe('when a delete is followed by older events arriving late', () => {
      it('keeps the entity deleted in every store', async () => {
        await fc.assert(
          fc.asyncProperty(bankingHistories, fc.integer(), async (events, seed) => {
            const deletes = events.filter((e) => e.event_type === 'delete');
            fc.pre(deletes.length > 0);
            await withStores(async (stores) => {
              const parts = embeddedParts({ seed }, stores);
              const byId = new Map(deletes.map((d) => [d.entity_id, d]));
              const late = events.filter((e) => (byId.get(e.entity_id)?.version ?? Infinity) > e.version);
              await publishEvents(parts.log, [...deletes, ...late]);
              await runBothLegs(parts);
              const stored = await parts.graph.get([...byId.keys()]);
              for (const [id, d] of byId) {
                expect(stored.get(id)).toMatchObject({ deleted: true, version: d.version });
                if (INDICES.includes(d.entity_type)) {
                  expect((await parts.vectors.get(d.entity_type, [id])).get(id)).toMatchObject({ deleted: true, version: d.version });
                }
              }
            });
          }),
          { ...runs, numRuns: Math.max(5, Math.round(target.numRuns / 2)) },
        );
      });
    });
  });
}
