/** Where Refract's vector indices live unless configured otherwise. */
export const DEFAULT_INDEX_PREFIX = 'refract-';

/**
 * The generation a fresh bootstrap creates. Readers and writers only ever name the alias, so
 * a rebuild can fill `-v2` beside `-v1` and swap the alias atomically (blue/green).
 */
export const FIRST_GENERATION = 'v1';

export interface VectorIndexNames {
  /** What every read and write goes through, e.g. `refract-person`. */
  readonly alias: string;
  /** The index a bootstrap creates behind it, e.g. `refract-person-v1`. */
  readonly concrete: string;
}

/** Names for one entity type's vector index (the port's `index` argument is the entity type). */
export function vectorIndexNames(prefix: string, entityType: string): VectorIndexNames {
  const alias = `${prefix}${entityType}`;
  return { alias, concrete: `${alias}-${FIRST_GENERATION}` };
}
