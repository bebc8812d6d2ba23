import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { malformedVariant } from '../../src/adapters/synthetic/malformed.ts';
import { seededRandom } from '../../src/adapters/memory/seeded-random.ts';
import { bankingHistories } from '../support/arbitraries.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../support/embedded-pipeline.ts';
import { expectedGraph } from '../support/oracle.ts';
import { graphSnapshot } from '../support/snapshots.ts';

describe('the projection runner', () => {
  describe('when malformed messages are mixed into the stream', () => {
    it('dead-letters every one of them with a reason, per leg, and loses or blocks nothing else', async () => {
      await fc.assert(
        fc.asyncProperty(bankingHistories, fc.integer(), fc.integer({ min: 1, max: 9 }), async (events, seed, batchSize) => {
          const rnd = seededRandom(seed);
          const bad = events.filter(() => rnd() < 0.4).map((e) => malformedVariant(e, rnd));
          const parts = embeddedParts({ seed, shuffle: true });
          await publishEvents(parts.log, events);
          await parts.log.publish(bad.map((b) => ({ ...b, properties: { origin: 'broken' } })));
          await runBothLegs(parts, { batchSize });

          const letters = parts.deadLetters.all();
          for (const leg of ['graph', 'vector']) {
            const mine = letters.filter((l) => l.leg === leg);
            expect(mine).toHaveLength(bad.length);
            for (const letter of mine) {
              expect(letter.properties['origin']).toBe('broken');
              expect(letter.code).toMatch(/^EVENT\./);
              expect(letter.reason.length).toBeGreaterThan(5);
            }
            expect(new Set(mine.map((l) => new TextDecoder().decode(l.payload)))).toEqual(
              new Set(bad.map((b) => new TextDecoder().decode(b.payload))),
            );
          }
          expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
        }),
        { numRuns: 100 },
      );
    });
  });
});
