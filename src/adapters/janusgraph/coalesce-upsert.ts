import type { GraphCommand, PropertyValue } from '../../domain/index.ts';
import { bucketOf } from './graph-buckets.ts';
import { toGraphValue } from './graphson-double.ts';
import { SYSTEM_KEYS } from './graph-schema.ts';
import { __, P, type GraphTraversal, type GraphTraversalSource } from './gremlin-driver.ts';

const { id: ID, version: VERSION, deleted: DELETED, bucket: BUCKET, deletedAt: DELETED_AT } = SYSTEM_KEYS;

/** The classic get-or-create: the vertex with this entity_id, or a new placeholder (version 0) in its bucket. */
const getOrCreate = (label: string, id: string) =>
  __.V().has(ID, id).fold()
    .coalesce(__.unfold(), __.addV(label).property(ID, id).property(VERSION, 0).property(DELETED, false).property(BUCKET, bucketOf(id)))
    // A vertex written before buckets existed gets its bucket now (docs/adr/0010).
    .sideEffect(__.not(__.has(BUCKET)).property(BUCKET, bucketOf(id)));

const withProperties = (traversal: GraphTraversal, properties: Readonly<Record<string, PropertyValue>>) =>
  Object.entries(properties).reduce((tr, [k, v]) => tr.property(k, toGraphValue(v)), traversal);

/** One command as a union branch with its values inlined as bytecode arguments (never as script). */
function branch(c: GraphCommand, rewriteEqual: boolean): GraphTraversal {
  let tr = getOrCreate(c.label, c.id)
    .has(VERSION, rewriteEqual ? P.lte(c.version) : P.lt(c.version))
    .sideEffect(__.properties().hasKey(P.without(ID, VERSION, DELETED, BUCKET)).drop())
    .sideEffect(__.outE().drop())
    .property(VERSION, c.version)
    .property(DELETED, c.kind === 'tombstone_vertex');
  if (c.kind === 'tombstone_vertex') tr = tr.property(DELETED_AT, c.deletedAt);
  else {
    tr = withProperties(tr, c.properties);
    for (const edge of c.edges) {
      tr = tr.sideEffect(withProperties(__.addE(edge.label).to(getOrCreate(edge.to.label, edge.to.id)), edge.properties));
    }
  }
  return tr.constant(1);
}

/**
 * The fold().coalesce() alternative to mergeUpsert, kept so the benchmark can compare the two
 * on the same semantics (docs/adr/0009): one union branch per command of a round, each
 * guarded by `has(version, lt(v))`. Answers the number of applied commands.
 */
export function coalesceUpsert(g: GraphTraversalSource, commands: readonly GraphCommand[], rewriteEqual = false): GraphTraversal {
  return g.inject(0).union(...commands.map((c) => branch(c, rewriteEqual))).count();
}
