import { SYSTEM_KEYS } from './graph-schema.ts';
import { orDefault } from './graph-reads.ts';
import { __, order, P, type GraphTraversal, type GraphTraversalSource } from './gremlin-driver.ts';

const { id: ID, version: VERSION, deleted: DELETED, bucket: BUCKET, deletedAt: DELETED_AT } = SYSTEM_KEYS;

/*
 * One request's worth of whole-graph work: the vertices of a few buckets, found through the
 * bucket indices (equality on each bucket, docs/adr/0010), never by a scan of the graph. Each
 * answers `seen`, the vertices it read, so the caller can size the next range.
 */

/** Live vertices (placeholders included) of these buckets and the edges they own. */
export const countBuckets = (g: GraphTraversalSource, buckets: readonly number[]): GraphTraversal =>
  g.V().has(BUCKET, P.within(...buckets)).has(DELETED, false).fold()
    .project('seen', 'edges').by(__.unfold().count()).by(__.unfold().outE().count());

/**
 * Up to `limit` entries of these buckets in (bucket, id) order, after the entry `after` (whose
 * bucket is the first of `buckets`). Ordering and the cursor filter run on the range's
 * vertices only: a composite index answers equality, not ranges.
 */
export const scanBuckets = (
  g: GraphTraversalSource, buckets: readonly number[], limit: number, after?: { bucket: number; id: string },
): GraphTraversal => {
  const rest = after === undefined ? __.unfold() : __.unfold().or(__.has(BUCKET, P.gt(after.bucket)), __.has(ID, P.gt(after.id)));
  return g.V().has(BUCKET, P.within(...buckets)).fold()
    .project('seen', 'rows')
    .by(__.unfold().count())
    .by(rest.order().by(BUCKET, order.asc).by(ID, order.asc).limit(limit)
      .project('bucket', 'id', 'version', 'deleted').by(BUCKET).by(ID).by(orDefault(VERSION, 0)).by(orDefault(DELETED, false))
      .fold());
};

/**
 * Purges these buckets in one transaction: tombstones deleted before `olderThan` that live
 * vertices still point at become placeholders (dropping a JanusGraph vertex drops its incoming
 * edges, which belong to those live vertices); unreferenced ones and orphan placeholders are
 * dropped. A tombstone without a deletion time (written before it was recorded) is kept.
 */
export const purgeBuckets = (g: GraphTraversalSource, buckets: readonly number[], olderThan: number): GraphTraversal => {
  const oldTombstone = () => __.has(DELETED, true).has(DELETED_AT, P.lt(olderThan));
  return g.V().has(BUCKET, P.within(...buckets)).fold()
    .project('seen', 'demoted', 'dropped')
    .by(__.unfold().count())
    .by(__.unfold().where(oldTombstone()).where(__.inE())
      .sideEffect(__.properties().hasKey(P.without(ID, BUCKET)).drop())
      .property(VERSION, 0).property(DELETED, false)
      .count())
    .by(__.unfold().or(oldTombstone(), __.has(VERSION, 0)).not(__.inE())
      .sideEffect(__.drop())
      .count());
};
