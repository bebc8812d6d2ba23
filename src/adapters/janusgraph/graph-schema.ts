import { BANKING_ENTITY_TYPES } from '../../domain/index.ts';

/** Java types a property key may have; the schema script maps each name onto its class. */
export type PropertyDataType = 'String' | 'Long' | 'Double' | 'Boolean';

/** What initGraphSchema declares: labels and keys are only ever added, never changed. */
export interface GraphSchema {
  readonly vertexLabels: readonly string[];
  readonly edgeLabels: readonly string[];
  readonly propertyKeys: readonly { readonly name: string; readonly dataType: PropertyDataType }[];
}

/** The vertex keys the store itself writes; payload properties may not use these names. */
export const SYSTEM_KEYS = { id: 'entity_id', version: 'version', deleted: 'deleted' } as const;
export const RESERVED_KEYS: ReadonlySet<string> = new Set(Object.values(SYSTEM_KEYS));

/** The unique composite index on entity_id (ConsistencyModifier.LOCK). */
export const ENTITY_ID_INDEX = 'byEntityIdUnique';

/**
 * The banking graph. Payload keys are not listed: JanusGraph's default schema maker creates
 * each on first write, typed by the value the adapter sends (numbers always as Double), so a
 * new payload field needs no schema step (docs/adr/0009).
 */
export const BANKING_GRAPH_SCHEMA: GraphSchema = {
  vertexLabels: BANKING_ENTITY_TYPES,
  edgeLabels: ['OWNED_BY', 'EMPLOYED_BY', 'FROM', 'TO'],
  propertyKeys: [
    { name: SYSTEM_KEYS.id, dataType: 'String' },
    { name: SYSTEM_KEYS.version, dataType: 'Long' },
    { name: SYSTEM_KEYS.deleted, dataType: 'Boolean' },
  ],
};
