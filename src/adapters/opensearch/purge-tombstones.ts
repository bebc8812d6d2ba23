import type { Client } from '@opensearch-project/opensearch';
import type { PurgeOptions } from '../../ports/index.ts';
import type { Refresher } from './refresh-policy.ts';
import { isIndexNotFound, toStoreError } from './store-errors.ts';

const PAGE = 500;

interface TombstoneHit {
  readonly _id: string;
  readonly _seq_no: number;
  readonly _primary_term: number;
  readonly sort: (string | number)[];
}

/**
 * `VectorStore.purge` on OpenSearch: pages through the old tombstones in `entity_id` order
 * (search_after, never the whole index in memory) and deletes each page in one `_bulk`. Every
 * delete is conditional on the sequence number the page saw, so a document written meanwhile
 * (a newer create of the same id) conflicts and stays: the purge never removes what it did not
 * see. The embedded node has no `_delete_by_query` (no reindex module), and this way each page's
 * progress can be reported.
 */
export function createTombstonePurge(client: Client, aliasOf: (index: string) => string, refresher: Refresher) {
  return async (index: string, options: PurgeOptions): Promise<number> => {
    const alias = aliasOf(index);
    const query = { bool: { filter: [{ term: { deleted: true } }, { range: { deleted_at: { lt: options.olderThan } } }] } };
    await refresher.beforeRead(alias);
    let total: number;
    try {
      total = (await client.count({ index: alias, body: { query } })).body.count;
    } catch (error) {
      if (isIndexNotFound(error)) return 0;
      throw toStoreError(error, `counting old tombstones in ${alias}`);
    }
    let purged = 0;
    let walked = 0;
    let after: (string | number)[] | undefined;
    while (walked < total) {
      let hits: TombstoneHit[];
      try {
        const body = {
          size: PAGE, _source: false, seq_no_primary_term: true, query, sort: [{ entity_id: 'asc' as const }], ...(after ? { search_after: after } : {}),
        };
        hits = (await client.search({ index: alias, body })).body.hits.hits as unknown as TombstoneHit[];
      } catch (error) {
        throw toStoreError(error, `listing old tombstones in ${alias}`);
      }
      if (!hits.length) break;
      const operations = hits.map((h) => ({
        delete: { _index: alias, _id: h._id, if_seq_no: h._seq_no, if_primary_term: h._primary_term },
      }));
      let items: { delete?: { status?: number } }[];
      try {
        items = (await client.bulk({ body: operations, refresh: false })).body.items;
      } catch (error) {
        throw toStoreError(error, `deleting old tombstones in ${alias}`);
      }
      // 409: written since the page was read; 404: gone already. Neither is an error.
      purged += items.filter((i) => i.delete?.status === 200).length;
      walked += hits.length;
      after = hits.at(-1)?.sort;
      options.onProgress?.({ purged, done: total ? Math.min(1, walked / total) : 1 });
    }
    refresher.wrote([alias]);
    return purged;
  };
}
