import { RefractError } from '../../domain/index.ts';
import { describeCause, failureError, failureKind, type OpenSearchCause } from './store-errors.ts';

/** One `index` item of a `_bulk` answer, reduced to what the outcome depends on. */
export interface BulkItem {
  readonly status: number;
  readonly _index?: string;
  readonly _id?: string | null;
  readonly error?: OpenSearchCause;
}

export interface BulkOutcome {
  readonly applied: number;
  readonly stale: number;
  /** By the item's position in the bulk request. */
  readonly rejected: readonly { readonly item: number; readonly error: RefractError }[];
}

/**
 * Reads a `_bulk` answer item by item. A 409 is the external version guard refusing an equal
 * or older version: `stale`, never an error. Only a failure that is the document's own fault
 * (OpenSearch could not parse or map it) is `rejected` with OpenSearch's reason, so one bad
 * document never fails its neighbours. Any other failing item throws for the whole batch: a
 * transient one retryably (the version guard turns the items that did apply into 409s on the
 * second try, so the retry is idempotent), refused credentials as CONFIG.INVALID, an
 * unrecognised one as STORE.FAILED, which the runner never takes for a bad document.
 * `server` (the node's origin) is named when credentials are refused.
 */
export function bulkOutcome(items: readonly BulkItem[], expected: number, server?: string): BulkOutcome {
  if (items.length !== expected) {
    throw new RefractError('STORE.UNAVAILABLE', `OpenSearch answered ${items.length} bulk items for ${expected} operations`);
  }
  let applied = 0;
  let stale = 0;
  const rejected: { item: number; error: RefractError }[] = [];
  items.forEach((item, position) => {
    if (item.status >= 200 && item.status < 300) applied += 1;
    else if (item.status === 409) stale += 1;
    else {
      const kind = failureKind(item.status, item.error, 'item');
      const where = `document ${item._id ?? '?'} in ${item._index ?? '?'}`;
      const details = { index: item._index, id: item._id, status: item.status, type: item.error?.type };
      const message = `OpenSearch ${kind === 'rejected' ? 'rejected' : `answered ${item.status} for`} ${where}: ${describeCause(item.error)}`;
      const error = failureError(kind, message, details, server === undefined ? {} : { server });
      if (kind !== 'rejected') throw error;
      rejected.push({ item: position, error });
    }
  });
  return { applied, stale, rejected };
}
