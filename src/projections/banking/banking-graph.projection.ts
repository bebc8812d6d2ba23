import type { EntityEvent, EntityRef, GraphCommand, OwnedEdge, PropertyValue } from '../../domain/index.ts';
import { defineProjection } from '../projection.ts';

/** Payload fields that are references, the edge label each becomes, owned by the referrer. */
const REFERENCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  person: { employer: 'EMPLOYED_BY' },
  account: { owner: 'OWNED_BY' },
  transaction: { from_account: 'FROM', to_account: 'TO' },
  company: {},
};

const EDGE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  transaction: ['amount', 'currency', 'booked_at'],
};

/** Every banking entity is a vertex; references in its payload are edges it owns. */
export const graphProjection = defineProjection({
  name: 'banking-graph',
  version: 1,
  handles: Object.keys(REFERENCES),
  graph: {
    vertices: Object.keys(REFERENCES),
    edges: [...new Set(Object.values(REFERENCES).flatMap((r) => Object.values(r)))],
    project,
  },
});

function project(event: EntityEvent): GraphCommand[] {
  const references = REFERENCES[event.entity_type];
  if (!references) return [];
  const { entity_type: label, entity_id: id, version } = event;
  if (event.event_type === 'delete') {
    // The event's own time, never the clock: a replay stamps the same deletion time.
    return [{ kind: 'tombstone_vertex', label, id, version, deletedAt: Date.parse(event.occurred_at) }];
  }
  const properties: Record<string, PropertyValue> = {};
  const edges: OwnedEdge[] = [];
  const edgeProperties = pick(event.payload, EDGE_PROPERTIES[label] ?? []);
  for (const [field, value] of Object.entries(event.payload)) {
    const edgeLabel = references[field];
    if (edgeLabel !== undefined && isRef(value)) {
      edges.push({ label: edgeLabel, to: { label: value.entity_type, id: value.entity_id }, properties: edgeProperties });
    } else if (isScalar(value)) {
      properties[field] = value;
    }
  }
  edges.sort((a, b) => a.label.localeCompare(b.label));
  return [{ kind: 'upsert_vertex', label, id, version, properties, edges }];
}

const isScalar = (value: unknown): value is PropertyValue =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

const isRef = (value: unknown): value is EntityRef =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<EntityRef>).entity_type === 'string' &&
  typeof (value as Partial<EntityRef>).entity_id === 'string';

function pick(payload: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const field of fields) {
    const value = payload[field];
    if (isScalar(value)) out[field] = value;
  }
  return out;
}
