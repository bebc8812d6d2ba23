import type { EntityEvent, PropertyValue, VectorCommand } from '../../domain/index.ts';
import { defineProjection } from '../projection.ts';

/** Stored fields per searchable type: what a search hit shows and filters on. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  person: ['full_name', 'occupation', 'city', 'nationality', 'risk_rating'],
  company: ['legal_name', 'industry', 'city', 'country'],
};

/**
 * Persons and companies with a `text_for_embedding` get a document in the index named after
 * their type. An update that drops the text tombstones the document: never a zero vector.
 */
export const vectorProjection = defineProjection({
  name: 'banking-vectors',
  version: 1,
  handles: Object.keys(FIELDS),
  vector: {
    indices: Object.fromEntries(Object.entries(FIELDS).map(([index, fields]) => [index, { fields: ['entity_type', ...fields] }])),
    project,
  },
});

function project(event: EntityEvent): VectorCommand[] {
  const fieldNames = FIELDS[event.entity_type];
  if (!fieldNames) return [];
  const { entity_type: index, entity_id: id, version } = event;
  const text = event.text_for_embedding;
  if (event.event_type === 'delete') return [{ kind: 'tombstone_document', index, id, version, deletedAt: Date.parse(event.occurred_at) }];
  if (!text?.trim()) return [{ kind: 'tombstone_document', index, id, version }];
  const fields: Record<string, PropertyValue> = { entity_type: index };
  for (const name of fieldNames) {
    const value = event.payload[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
  }
  return [{ kind: 'upsert_document', index, id, version, fields, text }];
}
