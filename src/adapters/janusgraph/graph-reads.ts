import type { OwnedEdge, PropertyValue } from '../../domain/index.ts';
import type { Page, StoredVertex, VersionEntry } from '../../ports/index.ts';
import { RESERVED_KEYS, SYSTEM_KEYS } from './graph-schema.ts';
import { __, order, P, t, type GraphTraversal, type GraphTraversalSource } from './gremlin-driver.ts';

const { id: ID, version: VERSION, deleted: DELETED } = SYSTEM_KEYS;

/** Reads a key defensively: a vertex written by another tool may lack the system keys. */
const orDefault = (key: string, fallback: unknown) => __.values(key).fold().coalesce(__.unfold(), __.constant(fallback));

/** Vertices by entity_id through the unique index, each with its owned edges. */
export const getVertices = (g: GraphTraversalSource, ids: readonly string[]): GraphTraversal =>
  g.V().has(ID, P.within(...ids))
    .project('label', 'id', 'version', 'deleted', 'properties', 'edges')
    .by(t.label).by(ID).by(orDefault(VERSION, 0)).by(orDefault(DELETED, false))
    .by(__.valueMap().by(__.unfold()))
    .by(__.outE().project('label', 'to', 'toLabel', 'properties')
      .by(t.label).by(__.inV().values(ID)).by(__.inV().label()).by(__.valueMap()).fold());

/** Live vertices with an edge `label` into the vertex `id`. */
export const sourceIds = (g: GraphTraversalSource, id: string, label: string): GraphTraversal =>
  g.V().has(ID, id).inE(label).outV().has(DELETED, false).values(ID).dedup();

/**
 * One page of ids in id order. entity_id has only a composite (equality) index, so each page
 * filters and sorts the whole graph on the server: fine for reconciliation jobs on graphs of
 * this size; a mixed index would make it a range scan (docs/adr/0009).
 */
export const scanPage = (g: GraphTraversalSource, limit: number, after?: string): GraphTraversal =>
  (after === undefined ? g.V().has(ID) : g.V().has(ID, P.gt(after)))
    .order().by(ID, order.asc).limit(limit)
    .project('id', 'version', 'deleted').by(ID).by(orDefault(VERSION, 0)).by(orDefault(DELETED, false));

export const countLiveVertices = (g: GraphTraversalSource): GraphTraversal => g.V().has(DELETED, false).count();
export const countOwnedEdges = (g: GraphTraversalSource): GraphTraversal => g.V().has(DELETED, false).outE().count();

const field = (row: unknown, key: string): unknown => (row instanceof Map ? row.get(key) : undefined);
const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

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
  const edges = (field(row, 'edges') as unknown[] | undefined ?? []).map((e): OwnedEdge => ({
    label: text(field(e, 'label')),
    to: { label: text(field(e, 'toLabel')), id: text(field(e, 'to')) },
    properties: scalars(field(e, 'properties'), false),
  }));
  return {
    label: text(field(row, 'label')),
    id: text(field(row, 'id')),
    version: num(field(row, 'version')),
    deleted: field(row, 'deleted') === true,
    properties: scalars(field(row, 'properties'), true),
    edges: edges.sort(byLabelThenTarget),
  };
}

/** Rows of a scan as a page; a full page hands its last id on as the cursor. */
export function toPage(rows: readonly unknown[], limit: number): Page<VersionEntry> {
  const items = rows.map((row) => ({ id: text(field(row, 'id')), version: num(field(row, 'version')), deleted: field(row, 'deleted') === true }));
  const last = items.at(-1);
  return items.length === limit && last ? { items, next: last.id } : { items };
}
