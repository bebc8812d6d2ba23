import type { Client } from '@opensearch-project/opensearch';
import { isRefractError, RefractError } from '../../domain/index.ts';
import { DEFAULT_INDEX_PREFIX, vectorIndexNames } from './index-names.ts';
import { toStoreError } from './store-errors.ts';
import { EMBEDDING_FIELD, vectorIndexBody } from './vector-index-body.ts';

export interface InitVectorIndicesOptions {
  readonly client: Client;
  /** Entity types, e.g. ['person', 'company']: one index (and alias) each. */
  readonly indices: readonly string[];
  readonly dimension: number;
  readonly prefix?: string;
}

export interface VectorIndexStatus {
  readonly entityType: string;
  readonly alias: string;
  /** The index the alias points at: the one just created, or whichever generation is live. */
  readonly index: string;
  readonly created: boolean;
}

/**
 * Creates, for each entity type, a concrete index and its alias in one request (so no reader
 * ever sees the alias without its mapping). Idempotent: an alias already in place is reported
 * as present and left alone, after checking its vector dimension, because writing vectors of
 * the wrong size would reject every document. A concurrent bootstrap that wins the race is
 * the same as finding the index present.
 */
export async function initVectorIndices(options: InitVectorIndicesOptions): Promise<VectorIndexStatus[]> {
  const prefix = options.prefix ?? DEFAULT_INDEX_PREFIX;
  const statuses: VectorIndexStatus[] = [];
  for (const entityType of options.indices) {
    const names = vectorIndexNames(prefix, entityType);
    let found = await aliasTarget(options.client, names.alias);
    if (found === undefined) {
      if (await createIndex(options.client, names.concrete, names.alias, options.dimension)) {
        statuses.push({ entityType, alias: names.alias, index: names.concrete, created: true });
        continue;
      }
      found = await aliasTarget(options.client, names.alias);
      if (found === undefined) await linkAlias(options.client, names.concrete, names.alias);
    }
    const index = found ?? names.concrete;
    await checkDimension(options.client, index, options.dimension);
    await addDeletedAt(options.client, index);
    statuses.push({ entityType, alias: names.alias, index, created: false });
  }
  return statuses;
}

export async function aliasTarget(client: Client, alias: string): Promise<string | undefined> {
  try {
    const response = await client.indices.getAlias({ name: alias }, { ignore: [404] });
    if (response.statusCode === 404) {
      const { body: exists } = await client.indices.exists({ index: alias });
      if (exists) {
        throw new RefractError('CONFIG.INVALID', `an index named ${alias} exists where Refract's alias should be (was it created by a write without the alias?); delete or reindex it, then run "refract vectors init"`, { alias });
      }
      return undefined;
    }
    return Object.keys(response.body)[0];
  } catch (error) {
    throw setupError(error, `looking up alias ${alias}`);
  }
}

/** True if this call created it; false if it was already there. */
async function createIndex(client: Client, index: string, alias: string, dimension: number): Promise<boolean> {
  try {
    await client.indices.create({ index, body: { ...vectorIndexBody(dimension), aliases: { [alias]: {} } } });
    return true;
  } catch (error) {
    if ((error as { body?: { error?: { type?: string } } }).body?.error?.type === 'resource_already_exists_exception') return false;
    throw setupError(error, `creating index ${index}`);
  }
}

async function linkAlias(client: Client, index: string, alias: string): Promise<void> {
  try {
    await client.indices.putAlias({ index, name: alias });
  } catch (error) {
    throw setupError(error, `pointing alias ${alias} at ${index}`);
  }
}

/**
 * An index created before tombstones carried their deletion time gets the field now (adding a
 * field to a mapping is allowed; `dynamic: strict` would refuse the write otherwise). Idempotent.
 */
async function addDeletedAt(client: Client, index: string): Promise<void> {
  try {
    await client.indices.putMapping({ index, body: { properties: { deleted_at: { type: 'long' } } } });
  } catch (error) {
    throw setupError(error, `adding deleted_at to the mapping of ${index}`);
  }
}

export async function checkDimension(client: Client, index: string, dimension: number): Promise<void> {
  let mapping: unknown;
  try {
    mapping = (await client.indices.getMapping({ index })).body;
  } catch (error) {
    throw setupError(error, `reading the mapping of ${index}`);
  }
  const found = (mapping as Record<string, { mappings?: { properties?: Record<string, { dimension?: number }> } }>)[index]
    ?.mappings?.properties?.[EMBEDDING_FIELD]?.dimension;
  if (found !== dimension) {
    throw new RefractError('CONFIG.INVALID', `index ${index} holds ${found ?? 'no'}-dimension vectors, but the embedder makes ${dimension}; rebuild into a new generation`, { index, found, dimension });
  }
}

/**
 * Index setup that fails for good (the k-NN plugin missing, the shard limit reached, a bad
 * setting) is the cluster's configuration, not any event's fault: the leg must stop, not
 * dead-letter every event it is handed. Transient failures stay retryable.
 */
function setupError(error: unknown, action: string): unknown {
  const mapped = toStoreError(error, action);
  if (!isRefractError(mapped) || mapped.retryable || mapped.code.startsWith('CONFIG.')) return mapped;
  return new RefractError('CONFIG.INVALID', `OpenSearch index setup failed while ${action}: ${mapped.message}`, { ...mapped.details, action }, { cause: error });
}
