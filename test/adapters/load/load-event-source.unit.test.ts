import { describe, expect, it } from 'vitest';
import { BANKING_PAYLOADS, decodeEvent, type EntityEvent } from '../../../src/domain/index.ts';
import { createLoadEventSource } from '../../../src/adapters/load/load-event-source.ts';

const decoder = new TextDecoder();
const mix = { textChangeShare: 0.13, deleteShare: 0.03, duplicateShare: 0.02 };

function run(n: number, options: Partial<Parameters<typeof createLoadEventSource>[0]> = {}) {
  const source = createLoadEventSource({ seed: 7, entities: 2_000, idPrefix: 'load-test-', mix, now: () => Date.UTC(2026, 5, 1), ...options });
  const messages = [...source.take(n / 2), ...source.take(n / 2)];
  return { messages, tally: source.tally };
}

describe('createLoadEventSource', () => {
  describe('when it produces many events', () => {
    const { messages, tally } = run(60_000);
    const events = messages.map((m) => JSON.parse(decoder.decode(m.payload)) as EntityEvent);
    const distinct = [...new Map(events.map((e) => [e.event_id, e])).values()];

    it('matches the asked shares of new texts, deletes and duplicates', () => {
      expect(distinct).toHaveLength(60_000);
      const newText = distinct.filter((e, i, all) => e.text_for_embedding !== undefined && e.text_for_embedding !== previousText(all, i));
      expect(newText.length / distinct.length).toBeCloseTo(0.13, 2);
      expect(distinct.filter((e) => e.event_type === 'delete').length / distinct.length).toBeCloseTo(0.03, 2);
      expect((messages.length - distinct.length) / distinct.length).toBeCloseTo(0.02, 2);
      expect(tally).toMatchObject({ events: 60_000, messages: messages.length, textChanges: newText.length });
    });

    it('produces only events the edge accepts, with versions rising per entity', () => {
      const last = new Map<string, number>();
      for (const m of messages.slice(0, 5_000)) decodeEvent(m.payload, BANKING_PAYLOADS);
      for (const e of distinct) {
        expect(e.version).toBe((last.get(e.entity_id) ?? 0) + 1);
        last.set(e.entity_id, e.version);
      }
    });

    it('keeps every id and every reference inside the run prefix', () => {
      for (const e of distinct.slice(0, 5_000)) {
        expect(e.entity_id.startsWith('load-test-')).toBe(true);
        for (const value of Object.values(e.payload)) {
          if (value && typeof value === 'object' && 'entity_id' in value) expect(String(value.entity_id).startsWith('load-test-')).toBe(true);
        }
      }
    });
  });

  describe('when two runs use different prefixes', () => {
    it('shares no entity id between them', () => {
      const a = new Set(run(2_000, { idPrefix: 'load-a-' }).messages.map((m) => m.key));
      const b = run(2_000, { idPrefix: 'load-b-' }).messages.map((m) => m.key);
      expect(b.filter((k) => a.has(k))).toEqual([]);
    });
  });
});

/** The text the same entity carried in its previous event, if any. */
function previousText(all: readonly EntityEvent[], i: number): string | undefined {
  const id = all[i]?.entity_id;
  for (let k = i - 1; k >= 0; k--) if (all[k]?.entity_id === id) return all[k]?.text_for_embedding;
  return undefined;
}
