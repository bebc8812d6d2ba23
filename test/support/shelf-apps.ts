import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineApp, defineProjection, type App, type EntityEvent, type GraphCommand, type VectorCommand } from '../../src/index.ts';

/**
 * A small application in two releases, for re-drive tests: the first knows books only; the
 * second also knows audiobooks, which producers started to publish to the `books` topic before
 * the catalogue had learned the type. The first release dead-letters them as
 * EVENT.UNKNOWN_ENTITY_TYPE; the second projects them.
 */
export function shelfApp(knowsAudiobooks: boolean): App {
  const types = knowsAudiobooks ? ['book', 'audiobook'] : ['book'];
  const shelfGraph = defineProjection({
    name: 'shelf-graph',
    version: 1,
    handles: types,
    graph: {
      vertices: types,
      edges: [],
      project(event: EntityEvent): GraphCommand[] {
        const { entity_type: label, entity_id: id, version } = event;
        if (event.event_type === 'delete') return [{ kind: 'tombstone_vertex', label, id, version, deletedAt: Date.parse(event.occurred_at) }];
        return [{ kind: 'upsert_vertex', label, id, version, properties: { title: String(event.payload['title']) }, edges: [] }];
      },
    },
  });
  const shelfSearch = defineProjection({
    name: 'shelf-search',
    version: 1,
    handles: types,
    vector: {
      indices: { shelf_titles: { fields: ['title'] } },
      project(event: EntityEvent): VectorCommand[] {
        const { entity_id: id, version } = event;
        if (event.event_type === 'delete') return [{ kind: 'tombstone_document', index: 'shelf_titles', id, version }];
        const title = String(event.payload['title']);
        return [{ kind: 'upsert_document', index: 'shelf_titles', id, version, fields: { title }, text: title }];
      },
    },
  });
  const book = { schema: z.strictObject({ title: z.string().min(1), author: z.string().min(1) }) };
  const audiobook = { schema: z.strictObject({ title: z.string().min(1), narrator: z.string().min(1) }), topic: 'audiobooks' };
  return defineApp({
    name: 'shelf',
    entities: knowsAudiobooks ? { book, audiobook } : { book },
    projections: [shelfGraph, shelfSearch],
  });
}

/** One create event of `type` with `payload`, as JSON bytes. */
export function shelfEvent(type: 'book' | 'audiobook', id: string, payload: Record<string, unknown>, version = 1): EntityEvent {
  return {
    event_id: randomUUID(), event_type: 'create', entity_type: type, entity_id: id, version,
    occurred_at: new Date(Date.UTC(2026, 0, 1)).toISOString(), payload, source: 'shelf-test', schema_version: 1,
  };
}
