import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../src/domain/index.ts';
import { redrive, REDRIVE_LEG, REDRIVES } from '../../src/runtime/redrive.ts';
import { embeddedParts, runBothLegs } from '../support/embedded-pipeline.ts';
import { shelfApp, shelfEvent } from '../support/shelf-apps.ts';
import { graphSnapshot, vectorSnapshot } from '../support/snapshots.ts';

const [v1, v2] = [shelfApp(false), shelfApp(true)];

describe('re-driving dead letters through the embedded pipeline', () => {
  describe('when audiobooks were dead-lettered before the catalogue knew the type', () => {
    it('lands them in both stores once re-driven to a runner that knows it; a still-invalid one comes back with its new reason and count', async () => {
      const parts = embeddedParts();
      const events = [
        shelfEvent('book', 'b-1', { title: 'Dune', author: 'Herbert' }),
        shelfEvent('audiobook', 'a-1', { title: 'Dune, read aloud', narrator: 'Scott Brick' }),
        shelfEvent('audiobook', 'a-2', { title: 'Emma, read aloud' }), // no narrator: invalid in v2 too
      ];
      await parts.log.publish(events.map((e) => ({ topic: 'books', key: e.entity_id, payload: encodeEvent(e), properties: { event_id: e.event_id } })));
      await runBothLegs(parts, {}, v1);
      const first = await parts.deadLetters.list('graph', 10);
      expect(first.map((l) => [l.key, l.code]).sort()).toEqual([['a-1', 'EVENT.UNKNOWN_ENTITY_TYPE'], ['a-2', 'EVENT.UNKNOWN_ENTITY_TYPE']]);

      const report = await redrive(parts.deadLetters, parts.log, { leg: 'graph', runId: 'fix-1', code: 'EVENT.UNKNOWN_ENTITY_TYPE' });
      expect(report.redriven).toHaveLength(2);
      await runBothLegs(parts, {}, v2);

      const graph = await graphSnapshot(parts.graph, null);
      expect([...graph.keys()].sort()).toEqual(['a-1', 'b-1']);
      expect(graph.get('a-1')).toMatchObject({ label: 'audiobook', version: 1, properties: { title: 'Dune, read aloud' } });
      // The copies were for the graph leg: the vector leg acked them untouched and keeps its own letters.
      expect([...(await vectorSnapshot(parts.vectors, ['shelf_titles'])).keys()].sort()).toEqual(['b-1']);
      expect((await parts.deadLetters.list('vector', 10)).map((l) => l.code)).toEqual(['EVENT.UNKNOWN_ENTITY_TYPE', 'EVENT.UNKNOWN_ENTITY_TYPE']);

      await redrive(parts.deadLetters, parts.log, { leg: 'vector', runId: 'fix-2', code: 'EVENT.UNKNOWN_ENTITY_TYPE' });
      await runBothLegs(parts, {}, v2);
      expect([...(await vectorSnapshot(parts.vectors, ['shelf_titles'])).keys()].sort()).toEqual(['a-1', 'b-1']);

      // The still-invalid one is back once per leg, with its new reason: re-drives do not multiply letters.
      for (const leg of ['graph', 'vector']) {
        const back = await parts.deadLetters.list(leg, 10);
        expect(back).toHaveLength(1);
        expect(back[0]).toMatchObject({ key: 'a-2', code: 'EVENT.INVALID', properties: { event_id: events[2]?.event_id, [REDRIVES]: '1', [REDRIVE_LEG]: leg } });
        expect(back[0]?.reason).toMatch(/narrator/);
      }
    });
  });
});
