import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankingHistories, deliveryPlan, entityHistory } from '../support/arbitraries.ts';
import { CRASH_STEPS, dyingProcess } from '../support/dying-process.ts';
import { embeddedParts, publishEvents, runBothLegs, startBothLegs, type Parts } from '../support/embedded-pipeline.ts';
import { expectedDocuments, expectedGraph } from '../support/oracle.ts';
import { graphSnapshot, vectorSnapshot } from '../support/snapshots.ts';

const MALFORMED = { topic: 'accounts', key: 'broken', payload: new TextEncoder().encode('{"entity_id": '), properties: {} };

/** Starts both legs on `parts`; if the process dies, the broker hands its unacked messages to the next consumer. */
async function runUntilDeathOrDrained(parts: Parts, dying: ReturnType<typeof dyingProcess>, batchSize: number) {
  const run = await startBothLegs(dying.parts, { batchSize });
  const outcome = await Promise.race([dying.death.died.then(() => 'died' as const), run.done.then(() => 'finished' as const)]);
  if (outcome === 'died') {
    await run.subscriptions.graph.close();
    await run.subscriptions.vector.close();
  }
  return outcome;
}

describe('the projection runner', () => {
  describe('when the process dies at any step of a batch, in either leg, and a new one resumes', () => {
    it('reaches the same final state as a run that never crashed', async () => {
      const deaths = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(
          bankingHistories.chain((events) => fc.tuple(fc.constant(events), deliveryPlan(events))),
          fc.constantFrom(...CRASH_STEPS),
          fc.integer({ min: 1, max: 3 }),
          fc.boolean(),
          async ([events, plan], step, crashAt, landsFirst) => {
            const parts = embeddedParts({ seed: crashAt });
            await publishEvents(parts.log, plan.order.map((i) => events[i]!));
            await parts.log.publish([MALFORMED]);
            const outcome = await runUntilDeathOrDrained(parts, dyingProcess(parts, step, crashAt, landsFirst), plan.batchSize);
            if (outcome === 'died') {
              deaths.set(step, (deaths.get(step) ?? 0) + 1);
              await runBothLegs(parts, { batchSize: plan.batchSize });
            }
            expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
            expect(await vectorSnapshot(parts.vectors, ['person', 'company'])).toEqual(expectedDocuments(events, parts.embedder.modelId));
            // The malformed message is dead-lettered by each leg (at least once: a death between
            // the dead-letter send and the ack sends it again), and nothing else is.
            const lettered = parts.deadLetters.all();
            expect(new Set(lettered.map((l) => `${l.leg}:${l.key}`))).toEqual(new Set(['graph:broken', 'vector:broken']));
          },
        ),
        { numRuns: 200 },
      );
      // The property is about crashes: most runs must die, and every step must have killed the process.
      for (const step of CRASH_STEPS) expect(deaths.get(step) ?? 0, step).toBeGreaterThan(0);
      expect([...deaths.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    });
  });

  describe('when one message crashes the process every time it is worked on', () => {
    it('dead-letters it as "crashed the process" after three crashes in a row, and projects everything else', async () => {
      const histories = fc.sample(entityHistory('person', 'p'), { numRuns: 30, seed: 11 }).map((h, i) => h.map((e) => ({ ...e, entity_id: `p-${i}` })));
      const poison = histories[0]![0]!;
      const events = [{ ...poison, text_for_embedding: 'a text that kills the model' }, ...histories.slice(1).flat()];
      const parts = embeddedParts();
      await publishEvents(parts.log, events);
      let crashes = 0;
      for (let restart = 0; restart < 10; restart++) {
        const dying = dyingProcess(parts, 'embed', Infinity, false, (text) => text === 'a text that kills the model');
        if ((await runUntilDeathOrDrained(parts, dying, 7)) === 'finished') break;
        crashes += 1;
      }
      expect(crashes).toBe(3);
      const letters = parts.deadLetters.all();
      expect(letters.map((l) => [l.leg, l.key, l.code])).toEqual([['vector', poison.entity_id, 'EVENT.CRASHED_PROCESS']]);
      expect(letters[0]!.reason).toMatch(/crashed the process/);
      const rest = events.filter((e) => e.entity_id !== poison.entity_id);
      const documents = await vectorSnapshot(parts.vectors, ['person']);
      for (const [id, document] of expectedDocuments(rest, parts.embedder.modelId)) expect(documents.get(id)).toEqual(document);
      // The graph leg lost nothing to the other leg's poison: every person, the poisoned one included.
      expect(await graphSnapshot(parts.graph)).toEqual(expectedGraph(events));
    });
  });
});
