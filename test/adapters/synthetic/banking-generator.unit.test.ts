import { describe, expect, it } from 'vitest';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import { BANKING_PAYLOADS, decodeEvent } from '../../../src/domain/index.ts';

const options = { seed: 3, entities: 400, duplicateShare: 0.05, malformedShare: 0.05 };

describe('generateBankingEvents', () => {
  describe('when given the same seed twice', () => {
    it('produces the same bytes', () => {
      const a = generateBankingEvents(options).map((m) => Buffer.from(m.payload).toString());
      const b = generateBankingEvents(options).map((m) => Buffer.from(m.payload).toString());
      expect(a).toEqual(b);
    });
  });

  describe('when generating a stream', () => {
    const messages = generateBankingEvents(options);
    const valid = messages.filter((m) => m.event);

    it('makes every well-formed message pass validation and every malformed one fail', () => {
      for (const m of valid) expect(() => decodeEvent(m.payload, BANKING_PAYLOADS)).not.toThrow();
      const malformed = messages.filter((m) => !m.event);
      expect(malformed.length).toBeGreaterThan(5);
      for (const m of malformed) expect(() => decodeEvent(m.payload, BANKING_PAYLOADS)).toThrow();
    });

    it('mixes creates, text-changing and metadata-only updates, deletes and duplicates', () => {
      const events = valid.map((m) => m.event!);
      expect(new Set(events.map((e) => e.entity_type))).toEqual(new Set(['person', 'company', 'account', 'transaction']));
      expect(events.some((e) => e.event_type === 'delete')).toBe(true);
      expect(new Set(events.map((e) => e.event_id)).size).toBeLessThan(events.length);
      const byId = new Map<string, string[]>();
      for (const e of events) if (e.text_for_embedding) byId.set(e.entity_id, [...(byId.get(e.entity_id) ?? []), e.text_for_embedding]);
      const histories = [...byId.values()].filter((texts) => texts.length > 1);
      expect(histories.some((t) => new Set(t).size > 1)).toBe(true);
      expect(histories.some((t) => new Set(t).size < t.length)).toBe(true);
    });

    it('keeps each entity\u2019s versions in order within its key', () => {
      const last = new Map<string, number>();
      for (const e of valid.map((m) => m.event!)) {
        expect(e.version).toBeGreaterThanOrEqual(last.get(e.entity_id) ?? 0);
        last.set(e.entity_id, e.version);
      }
    });
  });

  describe('when given an id prefix', () => {
    const plain = generateBankingEvents(options);
    const prefixed = generateBankingEvents({ ...options, idPrefix: 'run-7f3a-' });
    const text = (m: { payload: Uint8Array }) => Buffer.from(m.payload).toString();

    it('puts it before every entity id and every reference, and changes nothing else', () => {
      expect(prefixed.map((m) => text(m).replaceAll('"run-7f3a-', '"'))).toEqual(plain.map(text));
      for (const m of prefixed.filter((p) => p.event)) {
        expect(m.key).toBe(m.event!.entity_id);
        expect(m.event!.entity_id.startsWith('run-7f3a-')).toBe(true);
        for (const value of Object.values(m.event!.payload)) {
          if (typeof value === 'object' && value && 'entity_id' in value) expect(String(value.entity_id).startsWith('run-7f3a-')).toBe(true);
        }
      }
    });
  });
});
