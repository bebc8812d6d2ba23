import { describe, expect, it } from 'vitest';
import { publishJsonLines } from '../../../src/adapters/cli/commands/publish-lines.ts';
import { createMemoryEventLog } from '../../../src/adapters/memory/memory-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import { encodeEvent, RefractError } from '../../../src/domain/index.ts';
import type { EventLog, OutgoingMessage, PublishResult } from '../../../src/ports/index.ts';
import libraryApp from '../../../examples/library/app.ts';
import { generateAppEvents } from '../../../src/adapters/synthetic/schema-arbitrary.ts';
import { recordedRetry } from './one-shot-fakes.ts';

async function* linesOf(...lines: string[]) {
  await Promise.resolve();
  yield* lines;
}

describe('publishJsonLines', () => {
  describe('when given another application', () => {
    it('validates with its schemas and publishes to its topics; banking alone would refuse its events', async () => {
      const lines = generateAppEvents(libraryApp, { seed: 1, entities: 6 })
        .flatMap((m) => (m.event ? [new TextDecoder().decode(encodeEvent(m.event))] : []));
      const quiet = { chunkSize: 5, onInvalid: () => undefined, onFailed: () => undefined };
      const log = createMemoryEventLog();
      const tally = await publishJsonLines(linesOf(...lines), log, { ...quiet, app: libraryApp });
      expect(tally).toMatchObject({ lines: lines.length, published: lines.length, invalid: 0 });
      expect(Object.keys(tally.byTopic).sort()).toEqual(['books', 'loans', 'members']);
      const asBanking = await publishJsonLines(linesOf(...lines), createMemoryEventLog(), quiet);
      expect(asBanking).toMatchObject({ published: 0, invalid: lines.length });
    });
  });

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
      const tally = await publishJsonLines(linesOf(line), log, {
        chunkSize: 10, dryRun: true, onInvalid: () => undefined, onFailed: () => undefined,
      });
      expect(tally.published).toBe(1);
      const sub = await log.subscribe({ topics: ['persons', 'accounts', 'companies', 'transactions'], subscription: 's' });
      expect(await sub.backlog()).toBe(0);
    });
  });
});

/** A log whose publish is scripted per call; it records what each call was handed. */
function scriptedLog(answer: (call: number, messages: readonly OutgoingMessage[]) => PublishResult) {
  const calls: string[][] = [];
  const log: EventLog = {
    publish(messages) {
      calls.push(messages.map((m) => m.key));
      return Promise.resolve().then(() => answer(calls.length, messages));
    },
    subscribe: () => Promise.reject(new Error('not used')),
    read: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  return { log, calls };
}

const personLines = (n: number) => {
  const persons = generateBankingEvents({ seed: 5, entities: 40 }).flatMap((m) => (m.event?.entity_type === 'person' ? [m.event] : []));
  return persons.slice(0, n).map((e) => new TextDecoder().decode(encodeEvent(e)));
};
const keyOf = (line: string) => (JSON.parse(line) as { entity_id: string }).entity_id;

describe('publishJsonLines with the one-shot retry', () => {
  describe('when some messages of a chunk fail and the rest persist', () => {
    it('publishes again only the failed ones, logs the retry, and ends with everything persisted', async () => {
      const lines = personLines(4);
      const { log, calls } = scriptedLog((call) => (call === 1
        ? { persisted: 2, failed: [1, 3].map((position) => ({ position, reason: 'send-error:3: Not enough non-faulty bookies available', retryable: true })) }
        : { persisted: 2, failed: [] }));
      const { retry, logger } = recordedRetry();
      const failed: number[] = [];
      const tally = await publishJsonLines(linesOf(...lines), log, {
        chunkSize: 10, retry, onInvalid: () => undefined, onFailed: (line) => failed.push(line),
      });
      expect(calls).toEqual([lines.map(keyOf), [keyOf(lines[1] ?? ''), keyOf(lines[3] ?? '')]]);
      expect(tally).toMatchObject({ lines: 4, published: 4, failed: 0, byTopic: { persons: 4 } });
      expect(failed).toEqual([]);
      expect(logger.entries.filter((e) => e.level === 'warn').map((e) => [e.fields['attempt'], e.message])).toEqual([[1, expect.stringMatching(/2 of 4 messages were not persisted/)]]);
    });
  });

  describe('when a message can never be sent (too large)', () => {
    it('reports it as not persisted and does not send it again', async () => {
      const lines = personLines(2);
      const { log, calls } = scriptedLog(() => ({ persisted: 1, failed: [{ position: 0, reason: 'message too large', retryable: false, tooLarge: true }] }));
      const { retry } = recordedRetry();
      const failed: [number, string][] = [];
      const tally = await publishJsonLines(linesOf(...lines), log, {
        chunkSize: 10, retry, onInvalid: () => undefined, onFailed: (line, reason) => failed.push([line, reason]),
      });
      expect(calls).toHaveLength(1);
      expect(tally).toMatchObject({ published: 1, failed: 1 });
      expect(failed).toEqual([[1, 'message too large']]);
    });
  });

  describe('when the broker stays unreachable', () => {
    it('gives up after the bound, reports the chunk\'s lines as not persisted and says how far it got', async () => {
      const lines = personLines(3);
      const { log, calls } = scriptedLog(() => { throw new RefractError('LOG.UNAVAILABLE', 'Pulsar did not answer: connection refused'); });
      const { retry, logger } = recordedRetry();
      const failed: number[] = [];
      const error: unknown = await publishJsonLines(linesOf(...lines), log, {
        chunkSize: 10, retry, onInvalid: () => undefined, onFailed: (line) => failed.push(line),
      }).catch((e: unknown) => e);
      expect(calls).toHaveLength(8);
      expect(error).toMatchObject({ code: 'LOG.UNAVAILABLE', message: expect.stringMatching(/failed 8 times, giving up: .*connection refused; stopped after 3 lines read, 0 published/) as unknown });
      expect(failed).toEqual([1, 2, 3]);
      expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(7);
    });
  });
});
