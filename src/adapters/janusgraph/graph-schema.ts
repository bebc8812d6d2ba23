import type { App } from '../../projections/app.ts';
import { bankingApp } from '../../projections/banking/banking.app.ts';

/** Java types a property key may have; the schema script maps each name onto its class. */
export type PropertyDataType = 'String' | 'Integer' | 'Long' | 'Double' | 'Boolean';

/** A composite (equality) index over vertex keys; `unique` ones are also locked (ConsistencyModifier.LOCK). */
export interface CompositeIndex {
  readonly name: string;
  readonly keys: readonly string[];
  readonly unique: boolean;
}

/** What initGraphSchema declares: labels, keys and indices are only ever added, never changed. */
export interface GraphSchema {
  readonly vertexLabels: readonly string[];
  readonly edgeLabels: readonly string[];
  readonly propertyKeys: readonly { readonly name: string; readonly dataType: PropertyDataType }[];
  readonly indices: readonly CompositeIndex[];
}

/**
 * The vertex keys the store itself writes; payload properties may not use these names.
 * `bucket` places every vertex in one of BUCKETS hash buckets so that whole-graph work pages
 * through an index (docs/adr/0010); `deleted_at` (epoch ms) is a tombstone's deletion time.
 */
export const SYSTEM_KEYS = {
  id: 'entity_id', version: 'version', deleted: 'deleted', bucket: 'bucket', deletedAt: 'deleted_at',
} as const;
export const RESERVED_KEYS: ReadonlySet<string> = new Set(Object.values(SYSTEM_KEYS));

/** The unique composite index on entity_id (ConsistencyModifier.LOCK). */
export const ENTITY_ID_INDEX = 'byEntityIdUnique';
/** Composite indices that page count, scan and purge by bucket (docs/adr/0010). */
export const BUCKET_INDEX = 'byBucket';
export const BUCKET_DELETED_INDEX = 'byBucketDeleted';

/**
 * An application's graph: the labels its projections declare (docs/adr/0016), and the keys and
 * indices the store itself needs. Payload keys are not listed: JanusGraph's default schema
 * maker creates each on first write, typed by the value the adapter sends (numbers always as
 * Double), so a new payload field needs no schema step (docs/adr/0009).
 */
export const graphSchemaFor = (app: App): GraphSchema => ({
  vertexLabels: app.graph.vertexLabels,
  edgeLabels: app.graph.edgeLabels,
  propertyKeys: [
    { name: SYSTEM_KEYS.id, dataType: 'String' },
    { name: SYSTEM_KEYS.version, dataType: 'Long' },
    { name: SYSTEM_KEYS.deleted, dataType: 'Boolean' },
    { name: SYSTEM_KEYS.bucket, dataType: 'Integer' },
    { name: SYSTEM_KEYS.deletedAt, dataType: 'Long' },
  ],
  indices: [
    { name: ENTITY_ID_INDEX, keys: [SYSTEM_KEYS.id], unique: true },
    { name: BUCKET_INDEX, keys: [SYSTEM_KEYS.bucket], unique: false },
    { name: BUCKET_DELETED_INDEX, keys: [SYSTEM_KEYS.bucket, SYSTEM_KEYS.deleted], unique: false },
  ],
});

/** The built-in banking application's graph, the default where no application is named. */
export const BANKING_GRAPH_SCHEMA: GraphSchema = graphSchemaFor(bankingApp);
