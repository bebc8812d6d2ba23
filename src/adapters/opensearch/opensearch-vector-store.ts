import type { VectorStore } from '../../ports/index.ts';
import { createBulkWriter } from './bulk-write.ts';
import { DEFAULT_INDEX_PREFIX, vectorIndexNames } from './index-names.ts';
import { initVectorIndices } from './init-vector-indices.ts';
import { serverOrigin } from '../shared/server-origin.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { clientOptions, createOpenSearchClient } from './opensearch-client.ts';
import { createRefresher, type RefreshPolicy } from './refresh-policy.ts';
import { createTombstonePurge } from './purge-tombstones.ts';
import { createVectorReads } from './vector-reads.ts';

export interface OpenSearchVectorStoreConfig {
  /** e.g. http://127.0.0.1:9200 */
  readonly node: string;
  /** The user, password and CA for a secured cluster (docs/adr/0022). */
  readonly auth?: ServerAuth;
  /** Index and alias names start with it (default `refract-`): one prefix per deployment or test. */
  readonly prefix?: string;
  /** When writes become visible to search, scan and count (default `before-read`; see RefreshPolicy). */
  readonly refresh?: RefreshPolicy;
  /** Vector size of new indices, and the size existing ones must have (default 384, MiniLM's). */
  readonly dimension?: number;
  /** The deadline of every request (default 30 s): past it, the request fails as STORE.UNAVAILABLE. */
  readonly requestTimeoutMs?: number;
  /**
   * Read and write these concrete indices instead of the aliases (a rebuild's next generation,
   * docs/adr/0018): each entity type's index must exist already; nothing is bootstrapped.
   */
  readonly concreteIndexOf?: (index: string) => string;
}

/**
 * The VectorStore on OpenSearch k-NN (docs/adr/0007): the version guard is OpenSearch's own
 * external versioning, deletes are versioned tombstone documents, and every name goes through
 * an alias so a rebuild can swap generations. An entity type's index is bootstrapped (once per
 * process) on its first write, so a fresh cluster needs no separate step.
 */
export function createOpenSearchVectorStore(config: OpenSearchVectorStoreConfig): VectorStore {
  const client = createOpenSearchClient(config.node, clientOptions(config));
  const prefix = config.prefix ?? DEFAULT_INDEX_PREFIX;
  const dimension = config.dimension ?? 384;
  const policy = config.refresh ?? 'before-read';
  const refresher = createRefresher(client, policy);
  const concrete = config.concreteIndexOf;
  const aliasOf = concrete ?? ((index: string) => vectorIndexNames(prefix, index).alias);

  const bootstrapped = new Map<string, Promise<unknown>>();
  const ensureIndices = async (indices: ReadonlySet<string>) => {
    if (concrete) return;
    for (const index of indices) {
      let ready = bootstrapped.get(index);
      if (!ready) {
        ready = initVectorIndices({ client, indices: [index], dimension, prefix });
        bootstrapped.set(index, ready);
        // A failed bootstrap (server down) is tried again by the next write, not cached.
        ready.catch(() => bootstrapped.delete(index));
      }
      await ready;
    }
  };

  return {
    ...createVectorReads(client, aliasOf, refresher),
    purge: createTombstonePurge(client, aliasOf, refresher),
    write: createBulkWriter({
      client, server: serverOrigin(config.node), aliasOf, policy, refresher, ensureIndices,
      forgetIndices: (indices) => { for (const i of indices) bootstrapped.delete(i); },
      // A generation is written by its own name before any alias points at it; `promote` checks its mapping.
      requireAlias: concrete === undefined,
    }),
    close: () => client.close(),
  };
}
