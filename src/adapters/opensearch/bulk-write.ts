import type { Client } from '@opensearch-project/opensearch';
import { RefractError, type ApplyResult, type VectorWrite } from '../../domain/index.ts';
import { bulkOutcome, type BulkItem } from './bulk-outcome.ts';
import { bulkRefresh, type Refresher, type RefreshPolicy } from './refresh-policy.ts';
import { toStoreError } from './store-errors.ts';
import { toSource } from './vector-document.ts';

/** OpenSearch refuses a whole bulk, every item, if a single `_id` is longer than this. */
const MAX_ID_BYTES = 512;

export interface BulkWriterDeps {
  readonly client: Client;
  /** The node's origin (no credentials), named when OpenSearch refuses them. */
  readonly server: string;
  readonly aliasOf: (index: string) => string;
  readonly policy: RefreshPolicy;
  readonly refresher: Refresher;
  /** Makes sure the entity types' indices exist before the bulk names their aliases. */
  readonly ensureIndices: (indices: ReadonlySet<string>) => Promise<void>;
  /** The alias of these entity types vanished (404): bootstrap them again on the next write. */
  readonly forgetIndices: (indices: ReadonlySet<string>) => void;
  /** False when writing a rebuild's concrete generation, which has no alias yet (default true). */
  readonly requireAlias?: boolean;
}

type Rejection = ApplyResult['rejected'][number];

/**
 * `VectorStore.write`: one `_bulk` per call, every item an `index` operation carrying the
 * event's version as an external version (a metadata-only change is a full `index` too: the
 * update API takes no external version). `require_alias` stops a write from auto-creating a
 * dynamically mapped index where the alias should be.
 */
export function createBulkWriter(deps: BulkWriterDeps) {
  return async (writes: readonly VectorWrite[]): Promise<ApplyResult> => {
    const rejected: Rejection[] = [];
    const operations: Record<string, unknown>[] = [];
    const sent: number[] = [];
    const touched = new Set<string>();
    writes.forEach((w, position) => {
      const alias = deps.aliasOf(w.index);
      const problem = idProblem(w.id);
      if (problem) {
        rejected.push({ position, error: new RefractError('STORE.REJECTED', `OpenSearch cannot hold document "${w.id.slice(0, 64)}" in ${alias}: ${problem}`, { index: alias, id: w.id }) });
        return;
      }
      operations.push({ index: { _index: alias, _id: w.id, version: w.version, version_type: 'external' } }, toSource(w));
      sent.push(position);
      touched.add(w.index);
    });
    if (!sent.length) return { applied: 0, stale: 0, rejected };
    await deps.ensureIndices(touched);

    let items: BulkItem[];
    try {
      const requireAlias = deps.requireAlias ?? true;
      const response = await deps.client.bulk({ body: operations, require_alias: requireAlias, refresh: bulkRefresh(deps.policy) });
      items = response.body.items.map((item) => item.index ?? { status: 500, error: { type: 'missing_item', reason: 'the answer has no index item here' } });
    } catch (error) {
      throw toStoreError(error, `a bulk write of ${sent.length} documents`);
    }
    deps.refresher.wrote([...touched].map(deps.aliasOf));
    let outcome: ReturnType<typeof bulkOutcome>;
    try {
      outcome = bulkOutcome(items, sent.length, deps.server);
    } catch (error) {
      // Only a missing alias means the bootstrap must run again; 429 and 5xx just retry.
      if (items.some((i) => i.status === 404)) deps.forgetIndices(touched);
      throw error;
    }
    for (const { item, error } of outcome.rejected) rejected.push({ position: sent[item] ?? -1, error });
    return { applied: outcome.applied, stale: outcome.stale, rejected: rejected.sort((a, b) => a.position - b.position) };
  };
}

function idProblem(id: string): string | undefined {
  const bytes = Buffer.byteLength(id);
  if (bytes === 0) return 'an empty _id';
  if (bytes > MAX_ID_BYTES) return `an _id of ${bytes} bytes (at most ${MAX_ID_BYTES})`;
  return undefined;
}
