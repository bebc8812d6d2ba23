import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convergenceContract } from '../contract/convergence.contract.ts';
import { bankingHistories } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../support/embedded-pipeline.ts';
import { expectedGraph } from '../support/oracle.ts';
import { graphSnapshot } from '../support/snapshots.ts';

convergenceContract({ name: 'memory stores', numRuns: 150, fresh: () => Promise.resolve({}) });

describe('the in-memory event log', () => {
  describe('when asked to duplicate and redeliver at random', () => {
    it("really does so, and the result is still the oracle's", async () => {
      const events = fc.sample(bankingHistories, { numRuns: 30, seed: 11 }).flat()
        .map((e, i) => ({ ...e, entity_id: `${e.entity_id}-${Math.floor(i / 8)}` }));
      const parts = embeddedParts({ seed: 5, duplicateRate: 0.3, redeliveryRate: 0.3, shuffle: true });
      await publishEvents(parts.log, events);
      await runBothLegs(parts, { batchSize: 5 });
      const stats = parts.log.stats();
      expect(stats.duplicatesStored).toBeGreaterThan(0);
      expect(stats.redeliveries).toBeGreaterThan(0);
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });
});
