import type { GraphCommand, OwnedEdge, PropertyValue } from '../../domain/index.ts';
import { bucketOf } from './graph-buckets.ts';
import { toGraphValue } from './graphson-double.ts';
import { SYSTEM_KEYS } from './graph-schema.ts';
import { __, column, merge, P, t, type GraphTraversal, type GraphTraversalSource } from './gremlin-driver.ts';

const { id: ID, version: VERSION, deleted: DELETED, bucket: BUCKET, deletedAt: DELETED_AT } = SYSTEM_KEYS;

/** A vertex that does not exist yet starts as a placeholder: version 0 lets any command pass the guard. */
const placeholder = (label: string, id: string) =>
  new Map<unknown, unknown>([[t.label, label], [VERSION, 0], [DELETED, false], [BUCKET, bucketOf(id)]]);

const valueMap = (properties: Readonly<Record<string, PropertyValue>>) =>
  new Map<string, unknown>(Object.entries(properties).map(([k, v]) => [k, toGraphValue(v)]));

const edgeRow = (edge: OwnedEdge) => new Map<string, unknown>([
  ['label', edge.label],
  ['match', new Map([[ID, edge.to.id]])],
  ['create', placeholder(edge.to.label, edge.to.id)],
  ['bucket', bucketOf(edge.to.id)],
  ['props', valueMap(edge.properties)],
]);

// A tombstone's only property is its deletion time, a Long (a bare number, never a Double).
// `below` is what the stored version must be under: the version itself, or one more when an
// equal version is rewritten (versions are integers, so `stored < v + 1` is `stored <= v`).
const commandRow = (c: GraphCommand, rewriteEqual: boolean) => new Map<string, unknown>([
  ['match', new Map([[ID, c.id]])],
  ['create', placeholder(c.label, c.id)],
  ['bucket', bucketOf(c.id)],
  ['version', c.version],
  ['below', rewriteEqual ? c.version + 1 : c.version],
  ['deleted', c.kind === 'tombstone_vertex'],
  ['props', c.kind === 'upsert_vertex' ? valueMap(c.properties) : new Map([[DELETED_AT, c.deletedAt]])],
  ['edges', c.kind === 'upsert_vertex' ? c.edges.map(edgeRow) : []],
]);

/** Sets every entry of the map that `entries` yields on the element labelled `target`. */
const setEach = (entries: GraphTraversal, target: string, entry: string) =>
  entries.unfold().as(entry).select(target)
    .property(__.select(entry).select(column.keys), __.select(entry).select(column.values));

/**
 * Gives a vertex written before buckets existed its bucket, whatever the guard decides, so
 * any later event or re-drive brings it into count, scan and purge (docs/adr/0010).
 */
const stampBucket = (row: string) => __.not(__.has(BUCKET)).property(BUCKET, __.select(row).select('bucket'));

/**
 * One parametric traversal for a round of commands (ids distinct): the rows travel as data
 * through inject(), and mergeV finds or creates each vertex by entity_id. Only rows whose
 * stored version is lower (or equal, with `rewriteEqual`) pass the guard; for them the properties and the owned (outgoing)
 * edges are replaced, and edge targets are found or created as placeholders by a second
 * mergeV. Answers the number of applied rows; the rest were stale.
 */
export function mergeUpsert(g: GraphTraversalSource, commands: readonly GraphCommand[], rewriteEqual = false): GraphTraversal {
  return g.inject(commands.map((c) => commandRow(c, rewriteEqual))).unfold().as('r')
    .mergeV(__.select('match')).option(merge.onCreate, __.select('r').select('create')).as('v')
    .sideEffect(stampBucket('r'))
    .where(P.lt('r')).by(VERSION).by(__.select('below'))
    .sideEffect(__.properties().hasKey(P.without(ID, VERSION, DELETED, BUCKET)).drop())
    .sideEffect(__.outE().drop())
    .property(VERSION, __.select('r').select('version'))
    // Rewriting an unchanged `deleted` would rewrite its (bucket, deleted) index entry too.
    .sideEffect(__.where(P.neq('r')).by(__.values(DELETED).fold()).by(__.select('deleted').fold())
      .property(DELETED, __.select('r').select('deleted')))
    .sideEffect(setEach(__.select('r').select('props'), 'v', 'kv'))
    .sideEffect(__.select('r').select('edges').unfold().as('e')
      .mergeV(__.select('match')).option(merge.onCreate, __.select('e').select('create'))
      .sideEffect(stampBucket('e'))
      .addE(__.select('e').select('label')).from_('v').as('edge')
      .sideEffect(setEach(__.select('e').select('props'), 'edge', 'ekv')))
    .count();
}
