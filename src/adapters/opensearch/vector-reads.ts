import type { Client } from '@opensearch-project/opensearch';
import { RefractError } from '../../domain/index.ts';
import type { Page, SearchHit, StoredDocument, VersionEntry } from '../../ports/index.ts';
import type { Refresher } from './refresh-policy.ts';
import { isIndexNotFound, toStoreError } from './store-errors.ts';
import { fromSource } from './vector-document.ts';
import { EMBEDDING_FIELD } from './vector-index-body.ts';

/** The k-NN query's and a search page's upper bound in OpenSearch. */
const MAX_RESULTS = 10_000;
const LIVE = { bool: { must_not: [{ term: { deleted: true } }] } };

interface MgetDoc {
  readonly _id: string;
  readonly _version?: number;
  readonly found?: boolean;
  readonly _source?: unknown;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

interface Hit {
  readonly _id?: string | null;
  readonly _score?: number | null;
  readonly _version?: number;
  readonly _source?: { fields?: SearchHit['fields']; deleted?: boolean };
}

/**
 * The reads of the VectorStore. An entity type whose index does not exist yet reads as empty,
 * as in the in-memory store. Search-backed reads (search, scan, count) first let the refresh
 * policy make this process's writes visible; `get` is realtime and needs no refresh.
 */
export function createVectorReads(client: Client, aliasOf: (index: string) => string, refresher: Refresher) {
  const searchHits = async (index: string, body: Record<string, unknown>, action: string): Promise<Hit[]> => {
    const alias = aliasOf(index);
    await refresher.beforeRead(alias);
    try {
      return (await client.search({ index: alias, body })).body.hits.hits as Hit[];
    } catch (error) {
      if (isIndexNotFound(error)) return [];
      throw toStoreError(error, `${action} on ${alias}`);
    }
  };

  return {
    /** One realtime `_mget` through the alias: sees writes that no refresh has exposed yet. */
    async get(index: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
      const found = new Map<string, StoredDocument>();
      if (!ids.length) return found;
      const alias = aliasOf(index);
      let docs: MgetDoc[];
      try {
        docs = (await client.mget({ index: alias, body: { ids: [...ids] } })).body.docs as MgetDoc[];
      } catch (error) {
        throw toStoreError(error, `a multi-get of ${ids.length} ids from ${alias}`);
      }
      for (const doc of docs) {
        if (doc.error?.type === 'index_not_found_exception') continue;
        if (doc.error) {
          throw new RefractError('STORE.UNAVAILABLE', `OpenSearch could not get ${doc._id} from ${alias}: ${doc.error.type ?? ''}: ${doc.error.reason ?? ''}`, { index: alias, id: doc._id });
        }
        if (doc.found && doc._version !== undefined) found.set(doc._id, fromSource(index, doc._id, doc._version, doc._source));
      }
      return found;
    },

    /**
     * Lucene HNSW with the tombstone filter inside the k-NN query (efficient filtering: k live
     * hits, not k hits minus tombstones). Lucene scores cosinesimil as (1 + cos) / 2; the hit's
     * score is turned back into the cosine, the scale the port and the memory store use.
     */
    async search(index: string, vector: Float32Array, k: number): Promise<SearchHit[]> {
      const size = Math.min(Math.max(0, Math.floor(k)), MAX_RESULTS);
      if (size === 0) return [];
      const query = { knn: { [EMBEDDING_FIELD]: { vector: Array.from(vector), k: size, filter: LIVE } } };
      const hits = await searchHits(index, { size, _source: ['fields'], query }, 'a k-NN search');
      return hits.map((h) => ({ id: h._id ?? '', score: 2 * (h._score ?? 0) - 1, fields: h._source?.fields ?? {} }));
    },

    /** Ids in `entity_id` order (keyword, so byte order: the same as code-unit order for ASCII ids). */
    async scan(index: string, limit: number, after?: string): Promise<Page<VersionEntry>> {
      const size = Math.min(Math.max(1, Math.floor(limit)), MAX_RESULTS);
      const body = {
        size, version: true, track_total_hits: false, _source: ['deleted'],
        query: { match_all: {} }, sort: [{ entity_id: 'asc' }],
        ...(after === undefined ? {} : { search_after: [after] }),
      };
      const items = (await searchHits(index, body, 'a scan')).map((h) => ({
        id: h._id ?? '', version: h._version ?? 0, deleted: h._source?.deleted ?? false,
      }));
      const last = items.at(-1);
      return items.length === size && last ? { items, next: last.id } : { items };
    },

    async count(index: string): Promise<number> {
      const alias = aliasOf(index);
      await refresher.beforeRead(alias);
      try {
        return (await client.count({ index: alias, body: { query: LIVE } })).body.count;
      } catch (error) {
        if (isIndexNotFound(error)) return 0;
        throw toStoreError(error, `a count on ${alias}`);
      }
    },
  };
}
