import { SYSTEM_KEYS } from './graph-schema.ts';
import { __, P, type GraphTraversal, type GraphTraversalSource } from './gremlin-driver.ts';

const { id: ID, version: VERSION, deleted: DELETED } = SYSTEM_KEYS;

/**
 * A tombstone that live vertices still point at cannot simply go: dropping a JanusGraph vertex
 * drops its incoming edges, which belong to those live vertices. It becomes a placeholder
 * (version 0) instead, so the owners keep their edges; like a purged tombstone, it no longer
 * stops an older event from applying. One slice of at most `limit` per call.
 */
export const demoteReferencedTombstones = (g: GraphTraversalSource, limit: number): GraphTraversal =>
  g.V().has(DELETED, true).where(__.inE()).limit(limit)
    .sideEffect(__.properties().hasKey(P.neq(ID)).drop())
    .property(VERSION, 0).property(DELETED, false)
    .count();

/** Unreferenced tombstones and orphan placeholders (nothing points at them), at most `limit` per call. */
export const dropUnreferenced = (g: GraphTraversalSource, limit: number): GraphTraversal =>
  g.V().or(__.has(DELETED, true), __.has(VERSION, 0)).not(__.inE()).limit(limit)
    .sideEffect(__.drop())
    .count();
