import { errors } from '@opensearch-project/opensearch';
import { RefractError } from '../../domain/index.ts';

/** What OpenSearch reports about a failure, in the shape of its `error` objects. */
export interface OpenSearchCause {
  readonly type?: string;
  readonly reason?: string;
  readonly caused_by?: OpenSearchCause;
}

export type FailureKind = 'overloaded' | 'unavailable' | 'rejected';

/**
 * Sorts an HTTP status, of a whole request or of one bulk item, by who can fix it.
 * 429 is backpressure. 5xx, 408, and the statuses that describe the cluster rather than the
 * document (401/403: a cluster block such as the disk watermark, or credentials; 404: the
 * alias vanished) are transient: retrying holds the batch, which is what we want, instead of
 * dead-lettering every event while the cluster is unwell. Every other 4xx is about the
 * document itself (mapping, parsing, a zero vector) and no retry can fix it.
 */
export function failureKind(status: number, cause?: OpenSearchCause): FailureKind {
  if (status === 429) return 'overloaded';
  if (status >= 500 || [401, 403, 404, 408].includes(status)) return 'unavailable';
  if (isClusterState(cause)) return 'unavailable';
  return 'rejected';
}

/**
 * 400s that describe the cluster, not the document: a closed index, a cluster block, an alias
 * with no write index (mid blue/green swap). An operator fixes these; the batch waits.
 */
const CLUSTER_STATE_TYPES = new Set(['index_closed_exception', 'cluster_block_exception']);
function isClusterState(cause: OpenSearchCause | undefined): boolean {
  if (!cause) return false;
  if (cause.type && CLUSTER_STATE_TYPES.has(cause.type)) return true;
  return cause.type === 'illegal_argument_exception' && /no write index is defined for alias/.test(cause.reason ?? '');
}

/** "type: reason (caused by: reason)", the part of an OpenSearch error worth a log line. */
export function describeCause(cause: OpenSearchCause | undefined): string {
  if (!cause) return 'no reason given';
  const inner = cause.caused_by?.reason ? ` (caused by: ${cause.caused_by.reason})` : '';
  return `${cause.type ?? 'error'}: ${cause.reason ?? 'no reason given'}${inner}`;
}

export function failureError(kind: FailureKind, message: string, details: Record<string, unknown>, cause?: unknown) {
  const code = kind === 'overloaded' ? 'STORE.OVERLOADED' : kind === 'unavailable' ? 'STORE.UNAVAILABLE' : 'STORE.REJECTED';
  return new RefractError(code, message, details, { cause });
}

/**
 * Maps a thrown client error to the taxonomy: no answer at all (refused, reset, timed out) is
 * retryable STORE.UNAVAILABLE; an answer is sorted by `failureKind`. Anything else is left as
 * it is, so the runner treats it as an unknown error (a bug), not as bad input.
 */
export function toStoreError(error: unknown, action: string): unknown {
  if (
    error instanceof errors.ConnectionError || error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError || error instanceof errors.RequestAbortedError
  ) {
    return new RefractError('STORE.UNAVAILABLE', `OpenSearch did not answer ${action}: ${error.message}`, { action }, { cause: error });
  }
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 500;
    const body = error.body as { error?: OpenSearchCause | string } | undefined;
    const cause = typeof body?.error === 'string' ? { reason: body.error } : body?.error;
    return failureError(failureKind(status, cause), `OpenSearch answered ${status} to ${action}: ${describeCause(cause)}`, { action, status }, error);
  }
  return error;
}

/** True when a request failed only because the index or alias does not exist (yet). */
export function isIndexNotFound(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError) || error.statusCode !== 404) return false;
  const body = error.body as { error?: OpenSearchCause } | undefined;
  return body?.error?.type === 'index_not_found_exception';
}
