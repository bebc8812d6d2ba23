import type { OwnedEdge, PropertyValue } from '../../domain/index.ts';
import type { StoredVertex } from '../../ports/index.ts';
import { RESERVED_KEYS, SYSTEM_KEYS } from './graph-schema.ts';
import { field, list, num, text } from './graph-rows.ts';
import { __, P, t, type GraphTraversal, type GraphTraversalSource } from './gremlin-driver.ts';

const { id: ID, version: VERSION, deleted: DELETED, deletedAt: DELETED_AT } = SYSTEM_KEYS;

/** Reads a key defensively: a vertex written by another tool may lack the system keys. */
export const orDefault = (key: string, fallback: unknown) => __.values(key).fold().coalesce(__.unfold(), __.constant(fallback));

/** Vertices by entity_id through the unique index, each with its owned edges. */
export const getVertices = (g: GraphTraversalSource, ids: readonly string[]): GraphTraversal =>
  g.V().has(ID, P.within(...ids))
    .project('label', 'id', 'version', 'deleted', 'deletedAt', 'properties', 'edges')
    .by(t.label).by(ID).by(orDefault(VERSION, 0)).by(orDefault(DELETED, false)).by(__.values(DELETED_AT).fold())
    .by(__.valueMap().by(__.unfold()))
    .by(__.outE().project('label', 'to', 'toLabel', 'properties')
      .by(t.label).by(__.inV().values(ID)).by(__.inV().label()).by(__.valueMap()).fold());

/** Live vertices with an edge `label` into the vertex `id`. */
export const sourceIds = (g: GraphTraversalSource, id: string, label: string): GraphTraversal =>
  g.V().has(ID, id).inE(label).outV().has(DELETED, false).values(ID).dedup();

function scalars(map: unknown, skipReserved: boolean): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (!(map instanceof Map)) return out;
  for (const [key, value] of map as Map<unknown, unknown>) {
    if (typeof key !== 'string' || (skipReserved && RESERVED_KEYS.has(key))) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

const byLabelThenTarget = (a: OwnedEdge, b: OwnedEdge) => a.label.localeCompare(b.label) || a.to.id.localeCompare(b.to.id);

/** A projected vertex row as the port's StoredVertex. */
export function toStoredVertex(row: unknown): StoredVertex {
  const edges = list(field(row, 'edges')).map((e): OwnedEdge => ({
    label: text(field(e, 'label')),
    to: { label: text(field(e, 'toLabel')), id: text(field(e, 'to')) },
    properties: scalars(field(e, 'properties'), false),
  }));
  const deleted = field(row, 'deleted') === true;
  const [deletedAt] = list(field(row, 'deletedAt'));
  return {
    label: text(field(row, 'label')),
    id: text(field(row, 'id')),
    version: num(field(row, 'version')),
    deleted,
    // Only a tombstone has a deletion time; one written before times were recorded has none.
    ...(deleted && deletedAt !== undefined ? { deletedAt: num(deletedAt) } : {}),
    properties: scalars(field(row, 'properties'), true),
    edges: edges.sort(byLabelThenTarget),
  };
}
