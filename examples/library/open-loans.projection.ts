import { defineProjection, type EntityEvent, type GraphCommand, type VectorCommand } from 'refract';

/**
 * One projection, both stores: every loan not yet returned is an `open_loan` vertex linked to
 * its loan (this projection's own label, so its ids live in its namespace) and a document in the
 * `open_loans` index, found by a short description. A return or a delete tombstones both.
 */
export const openLoans = defineProjection({
  name: 'open-loans',
  version: 1,
  handles: ['loan'],
  graph: {
    vertices: ['open_loan'],
    edges: ['FOR_LOAN'],
    project(event: EntityEvent): GraphCommand[] {
      const { entity_id: id, version } = event;
      if (!isOpen(event)) return event.event_type === 'create' ? [] : [{ kind: 'tombstone_vertex', label: 'open_loan', id, version, deletedAt: Date.parse(event.occurred_at) }];
      return [{
        kind: 'upsert_vertex', label: 'open_loan', id, version, properties: { due_on: String(event.payload['due_on']) },
        edges: [{ label: 'FOR_LOAN', to: { label: 'loan', id }, properties: {} }],
      }];
    },
  },
  vector: {
    indices: { open_loans: { fields: ['due_on'] } },
    project(event: EntityEvent): VectorCommand[] {
      const { entity_id: id, version } = event;
      if (!isOpen(event)) return event.event_type === 'create' ? [] : [{ kind: 'tombstone_document', index: 'open_loans', id, version }];
      const due = String(event.payload['due_on']);
      const text = `open loan ${id}, due on ${due}`;
      return [{ kind: 'upsert_document', index: 'open_loans', id, version, fields: { due_on: due }, text }];
    },
  },
});

const isOpen = (event: EntityEvent) => event.event_type !== 'delete' && event.payload['returned'] === false;
