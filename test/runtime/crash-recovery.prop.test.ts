import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphStore } from '../../src/ports/index.ts';
import { bankingHistories, deliveryPlan } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs, startBothLegs } from '../support/embedded-pipeline.ts';
import { expectedDocuments, expectedGraph } from '../support/oracle.ts';
import { graphSnapshot, vectorSnapshot } from '../support/snapshots.ts';

/**
 * A store that "kills the process" on its n-th write: the write may or may not have landed,
 * and nothing after it (not even the ack) ever runs, because the promise never settles.
 */
function dyingAt(store: GraphStore, n: number, landsFirst: boolean, onDeath: () => void): GraphStore {
  let writes = 0;
  return {
    ...store,
    async apply(commands) {
      if (++writes < n) return store.apply(commands);
      if (landsFirst) await store.apply(commands);
      onDeath();
      return new Promise(() => undefined);
    },
  };
}

describe('the projection runner', () => {
  describe('when the process dies at any point of a batch and a new one resumes', () => {
    it('reaches the same final state as a run that never crashed', async () => {
      let deaths = 0;
      await fc.assert(
        fc.asyncProperty(
          bankingHistories.chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events))),
          fc.integer({ min: 1, max: 6 }),
          fc.boolean(),
          async ([events, plan], crashAt, landsFirst) => {
            const first = embeddedParts({ seed: crashAt });
            await publishEvents(first.log, plan.order.map((i) => events[i]!));
            let died!: () => void;
            const death = new Promise<void>((resolve) => (died = resolve));
            const crashing = { ...first, graph: dyingAt(first.graph, crashAt, landsFirst, died) };
            const firstRun = await startBothLegs(crashing, { batchSize: plan.batchSize });
            const outcome = await Promise.race([death.then(() => 'died' as const), firstRun.done.then(() => 'finished' as const)]);

            if (outcome === 'died') {
              deaths += 1;
              // The broker notices the dead consumer and hands its unacked messages to the
              // next one: a new process resumes from the unacked position, same stores.
              await firstRun.subscriptions.graph.close();
              await runBothLegs(first, { batchSize: plan.batchSize });
            }

            expect(await graphSnapshot(first.graph)).toEqual(expectedGraph(events));
            expect(await vectorSnapshot(first.vectors, ['person', 'company'])).toEqual(
              expectedDocuments(events, first.embedder.modelId),
            );
          },
        ),
        { numRuns: 100 },
      );
      expect(deaths).toBeGreaterThan(30); // the property is about crashes: most runs must have one
    });
  });
});
