import { describe, expect, it } from 'vitest';
import { createMemoryDeadLetters } from '../../src/adapters/memory/memory-dead-letters.ts';
import { createMemoryEventLog } from '../../src/adapters/memory/memory-event-log.ts';
import { RefractError } from '../../src/domain/index.ts';
import type { DeadLetter, DeadLetters, EventLog, OutgoingMessage, PublishResult, ReceivedMessage } from '../../src/ports/index.ts';
import { deadLetter } from '../../src/runtime/dead-letter.ts';
import { redrive, REDRIVE_LEG, REDRIVE_RUN, REDRIVES, RUNNER_ANNOTATIONS, type RedriveRequest } from '../../src/runtime/redrive.ts';
import { someLetter } from '../contract/dead-letters.contract.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A memory log that records what was published, answering each publish with `answer` (default: all persisted). */
function recordingLog(answer?: (messages: readonly OutgoingMessage[]) => Promise<PublishResult>) {
  const inner = createMemoryEventLog();
  const published: OutgoingMessage[] = [];
  const log: EventLog = {
    ...inner,
    async publish(messages) {
      if (answer) return answer(messages);
      published.push(...messages);
      return inner.publish(messages);
    },
  };
  return { log, published };
}

async function given(letters: readonly DeadLetter[]) {
  const deadLetters = createMemoryDeadLetters();
  await deadLetters.send(letters);
  return deadLetters;
}

const request = (extra: Partial<RedriveRequest> = {}): RedriveRequest => ({ leg: 'graph', runId: 'run-1', ...extra });
const keysOf = (letters: readonly { key: string }[]) => letters.map((l) => l.key).sort();

describe('redrive', () => {
  describe('when letters are re-driven', () => {
    it('publishes the original bytes to the source topic with the original key and properties and one re-drive more, then removes them', async () => {
      const letter = someLetter('graph', 1, {
        properties: { event_id: 'e-1', version: '3', field: 'payload.x', redelivery_count: '0', attempts: '3', [REDRIVES]: '2' },
      });
      const deadLetters = await given([letter, someLetter('vector', 2)]);
      const { log, published } = recordingLog();
      const report = await redrive(deadLetters, log, request());
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ topic: 'persons', key: 'k-1' });
      expect(text(published[0]?.payload ?? new Uint8Array())).toBe('{"n":1}');
      // The runner's notes on the last failure are not the event's: they are dropped.
      expect(published[0]?.properties).toEqual({ event_id: 'e-1', version: '3', [REDRIVES]: '3', [REDRIVE_RUN]: 'run-1', [REDRIVE_LEG]: 'graph' });
      expect(report.redriven).toEqual([{ id: '1', key: 'k-1', code: 'EVENT.INVALID', sourceTopic: 'persons', redrives: 3 }]);
      expect(await deadLetters.depth('graph')).toBe(0);
      expect(await deadLetters.depth('vector')).toBe(1);
    });

    it('drops exactly what the runner adds to a letter (dead-letter.ts), so the list cannot fall behind it', () => {
      const message: ReceivedMessage = {
        id: 'm', position: 'p', topic: 'persons', key: 'k', payload: new Uint8Array(), properties: { mine: 'yes' }, redeliveryCount: 1, publishTime: 0,
      };
      const letter = deadLetter('graph', message, new RefractError('EVENT.INVALID', 'bad', { field: 'payload.x' }), { attempts: 3 });
      expect(Object.keys(letter.properties).filter((k) => k !== 'mine').sort()).toEqual([...RUNNER_ANNOTATIONS].sort());
    });
  });

  describe('when a code or a key is given', () => {
    it('re-drives only the letters that match, and leaves the others', async () => {
      const deadLetters = await given([0, 1, 2, 3, 4, 5].map((n) => someLetter('graph', n)));
      const { log, published } = recordingLog();
      const byCode = await redrive(deadLetters, log, request({ code: 'EVENT.UNKNOWN_ENTITY_TYPE' }));
      expect(keysOf(byCode.redriven)).toEqual(['k-0', 'k-3']);
      const byKey = await redrive(deadLetters, log, request({ key: 'k-4', runId: 'run-2' }));
      expect(keysOf(byKey.redriven)).toEqual(['k-4']);
      expect(keysOf(published)).toEqual(['k-0', 'k-3', 'k-4']);
      expect(keysOf(await deadLetters.list('graph', 10))).toEqual(['k-1', 'k-2', 'k-5']);
    });
  });

  describe('when it is a dry run', () => {
    it('reports what it would re-drive and refuse, and changes nothing', async () => {
      const deadLetters = await given([someLetter('graph', 1), someLetter('graph', 2, { properties: { [REDRIVES]: '5' } })]);
      const before = await deadLetters.list('graph', 10);
      const { log, published } = recordingLog();
      const report = await redrive(deadLetters, log, request({ dryRun: true }));
      expect(report.dryRun).toBe(true);
      expect(keysOf(report.redriven)).toEqual(['k-1']);
      expect(keysOf(report.refused)).toEqual(['k-2']);
      expect(published).toEqual([]);
      expect(await deadLetters.list('graph', 10)).toEqual(before);
    });
  });

  describe('when a letter cannot or may not be re-driven', () => {
    it('refuses one re-driven as often as the limit allows, and one without its payload, and keeps both', async () => {
      const deadLetters = await given([
        someLetter('graph', 1, { properties: { [REDRIVES]: '5' } }),
        someLetter('graph', 2, { properties: { [REDRIVES]: '4' } }),
        someLetter('graph', 3),
      ]);
      // What the Pulsar adapter reads back from a letter that was too large to keep whole.
      const omitted = deadLetters.all().find((l) => l.key === 'k-3');
      if (omitted) Object.assign(omitted, { payloadOmitted: 6_500_000, payload: new Uint8Array() });
      const { log, published } = recordingLog();
      const report = await redrive(deadLetters, log, request({ maxRedrives: 5 }));
      expect(keysOf(report.redriven)).toEqual(['k-2']);
      expect(report.redriven[0]?.redrives).toBe(5);
      expect(report.refused.map((r) => [r.key, r.why])).toEqual([
        ['k-1', 're-driven 5 times already (limit 5): fix the cause, or raise --max-redrives'],
        ['k-3', 'its payload (6500000 bytes) was too large to keep with the letter: publish the event again from its source'],
      ]);
      expect(keysOf(published)).toEqual(['k-2']);
      expect(keysOf(await deadLetters.list('graph', 10))).toEqual(['k-1', 'k-3']);
      const raised = await redrive(deadLetters, log, request({ maxRedrives: 6, runId: 'run-2' }));
      expect(keysOf(raised.redriven)).toEqual(['k-1']);
    });
  });

  describe('when the log does not persist a re-published message', () => {
    it('keeps the letters the log reports failed and removes the persisted ones', async () => {
      const deadLetters = await given([1, 2, 3].map((n) => someLetter('graph', n)));
      const { log } = recordingLog((messages) => Promise.resolve({
        persisted: messages.length - 1, failed: [{ position: 1, reason: 'broker said no' }],
      }));
      const report = await redrive(deadLetters, log, request());
      expect(keysOf(report.redriven)).toEqual(['k-1', 'k-3']);
      expect(report.failed.map((f) => [f.key, f.why])).toEqual([['k-2', 'not persisted: broker said no']]);
      expect(keysOf(await deadLetters.list('graph', 10))).toEqual(['k-2']);
    });

    it('keeps every letter when the publish throws, or when its answer does not add up', async () => {
      const deadLetters = await given([1, 2].map((n) => someLetter('graph', n)));
      const throwing = recordingLog(() => Promise.reject(new RefractError('LOG.UNAVAILABLE', 'broker down')));
      const thrown = await redrive(deadLetters, throwing.log, request());
      expect(thrown.failed.map((f) => f.why)).toEqual(['not persisted: broker down', 'not persisted: broker down']);
      const vague = recordingLog(() => Promise.resolve({ persisted: 1, failed: [] }));
      const unsure = await redrive(deadLetters, vague.log, request({ runId: 'run-2' }));
      expect(unsure.redriven).toEqual([]);
      expect(unsure.failed).toHaveLength(2);
      expect(await deadLetters.depth('graph')).toBe(2);
    });

    it('removes nothing before the log has answered', async () => {
      const deadLetters = await given([someLetter('graph', 1)]);
      let depthWhilePublishing = -1;
      const { log } = recordingLog(async (messages) => {
        depthWhilePublishing = await deadLetters.depth('graph');
        return { persisted: messages.length, failed: [] };
      });
      await redrive(deadLetters, log, request());
      expect(depthWhilePublishing).toBe(1);
      expect(await deadLetters.depth('graph')).toBe(0);
    });
    it('says so when the letters were re-published but could not be removed, and they stay', async () => {
      const deadLetters = await given([someLetter('graph', 1)]);
      const failingRemoval: DeadLetters = {
        ...deadLetters,
        open: async (leg, options) => ({ ...(await deadLetters.open(leg, options)), remove: () => Promise.reject(new Error('connection lost')) }),
      };
      const { log, published } = recordingLog();
      await expect(redrive(failingRemoval, log, request())).rejects.toThrow(
        /re-published 1 letter\(s\) of the graph leg but could not remove them \(connection lost\); they stay/,
      );
      expect(published).toHaveLength(1);
      expect(await deadLetters.depth('graph')).toBe(1);
    });
  });

  describe('when there are more letters than one round takes', () => {
    it('works through them round by round, reporting progress, and stops at --limit', async () => {
      const deadLetters = await given(Array.from({ length: 1_200 }, (_, n) => someLetter('graph', n)));
      const { log, published } = recordingLog();
      const rounds: number[] = [];
      const limited = await redrive(deadLetters, log, request({ roundSize: 500, limit: 700, onProgress: (p) => rounds.push(p.redriven) }));
      expect(limited.redriven).toHaveLength(700);
      expect(rounds).toEqual([500, 700]);
      const rest = await redrive(deadLetters, log, request({ roundSize: 500, runId: 'run-2' }));
      expect(rest.redriven).toHaveLength(500);
      expect(new Set(published.map((m) => m.key)).size).toBe(1_200);
      expect(await deadLetters.depth('graph')).toBe(0);
    });
  });

  describe('when a re-driven event fails again while the run is still going', () => {
    it('does not re-drive its new letter again in the same run', async () => {
      const deadLetters = await given(Array.from({ length: 5 }, (_, n) => someLetter('graph', n)));
      // A leg that dead-letters every event again at once, as one still missing its type would.
      const { log } = recordingLog(async (messages) => {
        await deadLetters.send(messages.map((m) => ({ ...someLetter('graph', 0), key: m.key, properties: m.properties })));
        return { persisted: messages.length, failed: [] };
      });
      const report = await redrive(deadLetters, log, request({ roundSize: 2 }));
      expect(report.redriven).toHaveLength(5);
      const back = await deadLetters.list('graph', 10);
      expect(back.map((l) => l.properties[REDRIVES])).toEqual(['1', '1', '1', '1', '1']);
    });
  });
});
