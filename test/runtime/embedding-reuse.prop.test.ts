import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../src/adapters/embedding/hashing-embedder.ts';
import { entityHistory } from '../support/arbitraries.ts';
import { countingEmbedder } from '../support/counting-embedder.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../support/embedded-pipeline.ts';

describe('the vector leg', () => {
  describe('when the versions of one entity arrive one batch at a time', () => {
    it('calls the model exactly for the versions whose text changed, never for metadata-only ones', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('person' as const, 'company' as const), fc.integer(), async (type, seed) => {
          const events = fc.sample(entityHistory(type, `${type}-x`), { numRuns: 1, seed })[0] ?? [];
          const embedder = countingEmbedder(createHashingEmbedder());
          const parts = embeddedParts({ seed }, { embedder });
          let previous: string | undefined;
          let expectedTexts: string[] = [];
          for (const event of events) {
            await publishEvents(parts.log, [event]);
            await runBothLegs(parts, { batchSize: 1 });
            const text = event.event_type === 'delete' ? undefined : event.text_for_embedding;
            const embeddable = text?.trim() ? text : undefined; // blank text tombstones the document
            if (embeddable !== undefined && embeddable !== previous) expectedTexts = [...expectedTexts, embeddable];
            previous = embeddable;
            expect(embedder.texts).toEqual(expectedTexts);
          }
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('when a batch holds many metadata-only updates of already embedded entities', () => {
    it('reuses every stored vector and makes no model call', async () => {
      const embedder = countingEmbedder(createHashingEmbedder());
      const parts = embeddedParts({}, { embedder });
      const histories = fc.sample(entityHistory('person', 'p'), { numRuns: 40, seed: 9 });
      const creates = histories.map((h, i) => ({ ...h[0]!, entity_id: `p-${i}`, event_type: 'create' as const, text_for_embedding: `text ${i}` }));
      await publishEvents(parts.log, creates);
      await runBothLegs(parts);
      const callsAfterCreate = embedder.calls;
      await publishEvents(parts.log, creates.map((c) => ({ ...c, version: c.version + 100, payload: { ...c.payload, risk_rating: 'high' } })));
      const { vector } = await runBothLegs(parts);
      expect(embedder.calls).toBe(callsAfterCreate);
      expect(vector.embeddingsReused).toBe(40);
      expect(vector.embeddingsComputed).toBe(0);
    });
  });
});
