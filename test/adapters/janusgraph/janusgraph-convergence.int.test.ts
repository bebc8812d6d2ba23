import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../../src/ports/index.ts';
import { bankingHistories, deliveryPlan } from '../../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../../support/embedded-pipeline.ts';
import { expectedGraph } from '../../support/oracle.ts';
import { graphSnapshot } from '../../support/snapshots.ts';
import { janusGraphUrl, janusStore, rawGraph, runPrefix } from './janusgraph-test-graph.ts';
import { prefixedGraphStore } from '../../support/prefixed-graph-store.ts';

/**
 * The convergence property of test/runtime/convergence.prop.test.ts with JanusGraph as the
 * graph: fewer runs (each is real I/O), each on ids of its own.
 */
const prefix = runPrefix('convergence');
let url = '';
let shared: GraphStore | undefined;
let runs = 0;
const freshGraph = () => prefixedGraphStore(shared!, `${prefix}${++runs}-`);

beforeAll(async () => {
  url = await janusGraphUrl();
  shared = janusStore(url);
});

afterAll(async () => {
  const raw = rawGraph(url);
  await raw.dropPrefix(prefix).finally(() => raw.close());
  await shared?.close();
});

describe('the pipeline with JanusGraph as its graph', () => {
  describe('when any events are delivered in any order, duplicated, in any batches', () => {
    it('ends with the graph equal to the state of each entity\'s highest version', async () => {
      await fc.assert(
        fc.asyncProperty(
          bankingHistories.chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events), fc.integer())),
          async ([events, plan, seed]) => {
            const parts = embeddedParts({ seed, shuffle: true, redeliveryRate: 0.1 }, { graph: freshGraph() });
            await publishEvents(parts.log, plan.order.map((i) => events[i]!));
            await runBothLegs(parts, { batchSize: plan.batchSize });

            expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
            expect(parts.deadLetters.all()).toEqual([]);
          },
        ),
        { numRuns: 15 },
      );
    });
  });

  describe('when a delete is followed by older events arriving late', () => {
    it('keeps the entity deleted', async () => {
      await fc.assert(
        fc.asyncProperty(bankingHistories, fc.integer(), async (events, seed) => {
          const deletes = events.filter((e) => e.event_type === 'delete');
          fc.pre(deletes.length > 0);
          const parts = embeddedParts({ seed }, { graph: freshGraph() });
          const byId = new Map(deletes.map((d) => [d.entity_id, d]));
          const late = events.filter((e) => (byId.get(e.entity_id)?.version ?? Infinity) > e.version);
          await publishEvents(parts.log, [...deletes, ...late]);
          await runBothLegs(parts);
          const stored = await parts.graph.get([...byId.keys()]);
          for (const [id, d] of byId) {
            expect(stored.get(id)).toMatchObject({ deleted: true, version: d.version });
          }
        }),
        { numRuns: 10 },
      );
    });
  });

  describe('when the log duplicates and redelivers at random', () => {
    it('really does so, and the graph is still the oracle\'s', async () => {
      const events = fc.sample(bankingHistories, { numRuns: 30, seed: 11 }).flat()
        .map((e, i) => ({ ...e, entity_id: `${e.entity_id}-${Math.floor(i / 8)}` }));
      const parts = embeddedParts({ seed: 5, duplicateRate: 0.3, redeliveryRate: 0.3, shuffle: true }, { graph: freshGraph() });
      await publishEvents(parts.log, events);
      await runBothLegs(parts, { batchSize: 5 });
      const stats = parts.log.stats();
      expect(stats.duplicatesStored).toBeGreaterThan(0);
      expect(stats.redeliveries).toBeGreaterThan(0);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });
});
