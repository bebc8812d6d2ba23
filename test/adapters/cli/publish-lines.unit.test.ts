import { describe, expect, it } from 'vitest';
import { publishJsonLines } from '../../../src/adapters/cli/commands/publish-lines.ts';
import { createMemoryEventLog } from '../../../src/adapters/memory/memory-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import { encodeEvent } from '../../../src/domain/index.ts';

async function* linesOf(...lines: string[]) {
  await Promise.resolve();
  yield* lines;
}

describe('publishJsonLines', () => {
  describe('when valid and invalid lines are mixed', () => {
    it('publishes each valid line unchanged to its topic, keyed by entity_id, and reports each invalid one with its line number', async () => {
      const events = generateBankingEvents({ seed: 3, entities: 10 }).flatMap((m) => (m.event ? [m.event] : []));
      const person = events.find((e) => e.entity_type === 'person')!;
      const account = events.find((e) => e.entity_type === 'account')!;
      const valid = [person, account].map((e) => new TextDecoder().decode(encodeEvent(e)));
      const log = createMemoryEventLog();
      const invalid: [number, string][] = [];
      const tally = await publishJsonLines(linesOf(valid[0] ?? '', '{"event_id": oops', '', `${valid[1] ?? ''}\r`, '{"version": 1}'), log, {
        chunkSize: 1, onInvalid: (line, reason) => invalid.push([line, reason]), onFailed: () => undefined,
      });

      expect(tally).toMatchObject({ lines: 5, published: 2, invalid: 2, failed: 0 });
      expect(invalid.map(([line]) => line)).toEqual([2, 5]);
      expect(invalid[0]?.[1]).toMatch(/^\[EVENT\.MALFORMED_JSON\]/);
      expect(invalid[1]?.[1]).toMatch(/^\[EVENT\.INVALID\]/);
      const sub = await log.subscribe({ topics: ['persons', 'accounts', 'companies', 'transactions'], subscription: 's' });
      const got = await sub.receive(10, 10);
      expect(got.map((m) => ({ topic: m.topic, key: m.key, text: new TextDecoder().decode(m.payload), version: m.properties['version'] }))).toEqual(
        [
          { topic: 'persons', key: person.entity_id, text: valid[0], version: String(person.version) },
          { topic: 'accounts', key: account.entity_id, text: valid[1], version: String(account.version) },
        ],
      );
      expect(got[0]?.properties['event_id']).toBe(person.event_id);
    });
  });

  describe('when it is a dry run', () => {
    it('validates and counts, and publishes nothing', async () => {
      const log = createMemoryEventLog();
      const line = new TextDecoder().decode(generateBankingEvents({ seed: 3, entities: 4 })[0]?.payload);
      const tally = await publishJsonLines(linesOf(line), log, { chunkSize: 10, dryRun: true, onInvalid: () => undefined, onFailed: () => undefined });
      expect(tally.published).toBe(1);
      const sub = await log.subscribe({ topics: ['persons', 'accounts', 'companies', 'transactions'], subscription: 's' });
      expect(await sub.backlog()).toBe(0);
    });
  });
});
