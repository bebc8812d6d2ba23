import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bankingHistories, deliveryPlan } from '../../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../../support/embedded-pipeline.ts';
import { expectedDocuments } from '../../support/oracle.ts';
import { vectorSnapshot } from '../../support/snapshots.ts';
import { openSearchTestStores } from './opensearch-test-stores.ts';

const stores = openSearchTestStores('conv');
/**
 * Unbiased, because fast-check's small-first bias would spend most of so few runs on near-empty
 * histories. REFRACT_FC_SEED replays the seed a failure prints.
 */
const RUN_OPTIONS = { plugins: [fc.unbiased()] };
const SEED = process.env.REFRACT_FC_SEED ? { seed: Number(process.env.REFRACT_FC_SEED) } : {};
afterAll(async () => {
  await stores.cleanUp();
  await stores.close();
});

/**
 * The convergence property of test/runtime/convergence.prop.test.ts with the real OpenSearch
 * store as the vector leg's store: the version guard under test is OpenSearch's external
 * versioning, not the in-memory model. 30 runs (≈ 5 s), each on indices of its own.
 */
describe('the vector leg on OpenSearch', () => {
  describe('when any events are delivered in any order, duplicated, in any batches', () => {
    it('ends with the index equal to the state of each entity\'s highest version', async () => {
      const seen = { duplicates: 0, redeliveries: 0, documents: 0 };
      await fc.assert(
        fc.asyncProperty(
          bankingHistories.chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events), fc.integer())),
          async ([events, plan, seed]) => {
            // Runs without a person or company would not touch OpenSearch at all.
            fc.pre(events.some((e) => e.entity_type === 'person' || e.entity_type === 'company'));
            const vectors = stores.open(stores.freshPrefix());
            try {
              const parts = embeddedParts({ seed, shuffle: true, duplicateRate: 0.2, redeliveryRate: 0.2 }, { vectors });
              await publishEvents(parts.log, plan.order.map((i) => events[i]!));
              await runBothLegs(parts, { batchSize: plan.batchSize });
              seen.duplicates += parts.log.stats().duplicatesStored;
              seen.redeliveries += parts.log.stats().redeliveries;

              const expected = expectedDocuments(events, parts.embedder.modelId);
              seen.documents += expected.size;
              expect(await vectorSnapshot(vectors, ['person', 'company'])).toEqual(expected);
              expect(parts.deadLetters.all()).toEqual([]);
            } finally {
              await stores.cleanUp();
            }
          },
        ),
        { numRuns: 30, ...RUN_OPTIONS, ...SEED },
      );
      // The property is only as strong as the disorder it saw.
      expect(seen.duplicates).toBeGreaterThan(0);
      expect(seen.redeliveries).toBeGreaterThan(0);
      expect(seen.documents).toBeGreaterThan(30);
    });
  });

  describe('when a delete is followed by older events arriving late', () => {
    it('keeps the document a tombstone with the delete\'s version', async () => {
      await fc.assert(
        fc.asyncProperty(bankingHistories, fc.integer(), async (events, seed) => {
          const deletes = events.filter((e) => e.event_type === 'delete' && (e.entity_type === 'person' || e.entity_type === 'company'));
          fc.pre(deletes.length > 0);
          const vectors = stores.open(stores.freshPrefix());
          try {
            const parts = embeddedParts({ seed }, { vectors });
            const byId = new Map(deletes.map((d) => [d.entity_id, d]));
            const late = events.filter((e) => (byId.get(e.entity_id)?.version ?? Infinity) > e.version);
            await publishEvents(parts.log, [...deletes, ...late]);
            await runBothLegs(parts);
            for (const [id, d] of byId) {
              expect((await vectors.get(d.entity_type, [id])).get(id)).toMatchObject({ deleted: true, version: d.version });
            }
          } finally {
            await stores.cleanUp();
          }
        }),
        { numRuns: 10, ...RUN_OPTIONS, ...SEED },
      );
    });
  });
});
