import type { Client } from '@opensearch-project/opensearch';
import { toStoreError } from './store-errors.ts';

/**
 * When writes become visible to `search`, `scan` and `count` (search-backed, so they see only
 * refreshed segments). `get` is a realtime `_mget` and sees every acknowledged write at once,
 * so the vector leg's version lookups and the version guard are right under every policy.
 *
 * - `before-read` (default): bulks do not refresh; this store refreshes an index it has
 *   written to right before its own next search, scan or count. Writers keep bulk throughput,
 *   and a process reads its own writes (tests, the demo summary, reconciliation). Other
 *   processes see writes after the index's `refresh_interval` (1 s).
 * - `wait_for`: each bulk returns once a scheduled refresh made it visible (up to 1 s per
 *   batch; for callers that need visibility everywhere).
 * - `immediate`: each bulk forces a refresh (many small segments: for tiny loads only).
 * - `none`: never refresh; rely on `refresh_interval`.
 */
export type RefreshPolicy = 'before-read' | 'wait_for' | 'immediate' | 'none';

export function bulkRefresh(policy: RefreshPolicy): boolean | 'wait_for' {
  if (policy === 'wait_for') return 'wait_for';
  return policy === 'immediate';
}

export interface Refresher {
  /** Called after each bulk with the aliases it touched. */
  wrote(aliases: Iterable<string>): void;
  /** Called before a search-backed read of `alias`. */
  beforeRead(alias: string): Promise<void>;
}

export function createRefresher(client: Client, policy: RefreshPolicy): Refresher {
  const dirty = new Set<string>();
  return {
    wrote(aliases) {
      if (policy !== 'before-read') return;
      for (const alias of aliases) dirty.add(alias);
    },
    async beforeRead(alias) {
      if (!dirty.has(alias)) return;
      // Cleared first: a write that lands during the refresh marks the alias again.
      dirty.delete(alias);
      try {
        await client.indices.refresh({ index: alias }, { ignore: [404] });
      } catch (error) {
        dirty.add(alias);
        throw toStoreError(error, `refreshing ${alias}`);
      }
    },
  };
}
