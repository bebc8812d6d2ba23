import { errors } from '@opensearch-project/opensearch';
import { RefractError, type ErrorCode } from '../../domain/index.ts';
import { untrustedCertificate, untrustedCertificateCode } from '../shared/tls-trust.ts';

/** What OpenSearch reports about a failure, in the shape of its `error` objects. */
export interface OpenSearchCause {
  readonly type?: string;
  readonly reason?: string;
  readonly caused_by?: OpenSearchCause;
}

/**
 * Who can fix a failure: `overloaded` and `unavailable` pass by themselves (retry); `refused`
 * needs an operator's configuration (credentials, permissions); `rejected` is one document's
 * own fault; `failed` is a failure the adapter does not recognise, which must never be taken
 * for a bad document.
 */
export type FailureKind = 'overloaded' | 'unavailable' | 'refused' | 'rejected' | 'failed';

/** A whole request, or one item of a `_bulk` answer: only an item can be one document's fault. */
export type FailureScope = 'request' | 'item';

/**
 * Sorts a failure by who can fix it. 429 is backpressure; 5xx and 408 pass. A state of the
 * cluster (a block such as the disk watermark or a read-only index, whatever its status, even
 * a 403; a closed index; an alias without a write index; an alias gone, 404) waits for an
 * operator or a re-bootstrap, so it is transient: the batch is held, never dead-lettered.
 * 401/403 otherwise mean credentials or permissions: configuration, so the leg stops. Only a
 * bulk item that OpenSearch could not parse or map is the document's fault; anything else is
 * `failed`, never a dead letter for an innocent document.
 */
export function failureKind(status: number, cause: OpenSearchCause | undefined, scope: FailureScope): FailureKind {
  if (isClusterState(cause)) return status === 429 ? 'overloaded' : 'unavailable';
  if (status === 429) return 'overloaded';
  if (status >= 500 || status === 408) return 'unavailable';
  if (status === 401 || status === 403) return 'refused';
  if (status === 404 && cause?.type === 'index_not_found_exception') return 'unavailable';
  if (scope === 'item' && status >= 400 && status < 500 && isDocumentFault(cause)) return 'rejected';
  return 'failed';
}

/**
 * Errors that describe the cluster, not the document: a block (read-only index, disk
 * watermark), a closed index, an alias with no write index (mid blue/green swap).
 */
const CLUSTER_STATE_TYPES = new Set(['index_closed_exception', 'cluster_block_exception']);
function isClusterState(cause: OpenSearchCause | undefined): boolean {
  if (!cause) return false;
  if (cause.type && CLUSTER_STATE_TYPES.has(cause.type)) return true;
  return cause.type === 'illegal_argument_exception' && /no write index is defined for alias/.test(cause.reason ?? '');
}

/**
 * What OpenSearch answers for a document it cannot take: a field it cannot parse or map (a
 * string where the mapping has a number, a zero or wrong-size vector, a field the strict
 * mapping does not know), or an argument about the document itself.
 */
const DOCUMENT_FAULT_TYPES = new Set([
  'mapper_parsing_exception', 'strict_dynamic_mapping_exception', 'document_parsing_exception',
  'illegal_argument_exception', 'parse_exception', 'json_parse_exception', 'x_content_parse_exception',
]);
const isDocumentFault = (cause: OpenSearchCause | undefined) => cause?.type !== undefined && DOCUMENT_FAULT_TYPES.has(cause.type);

/** "type: reason (caused by: reason)", the part of an OpenSearch error worth a log line. */
export function describeCause(cause: OpenSearchCause | undefined): string {
  if (!cause) return 'no reason given';
  const inner = cause.caused_by?.reason ? ` (caused by: ${cause.caused_by.reason})` : '';
  return `${cause.type ?? 'error'}: ${cause.reason ?? 'no reason given'}${inner}`;
}

const CODES: Record<FailureKind, ErrorCode> = {
  overloaded: 'STORE.OVERLOADED',
  unavailable: 'STORE.UNAVAILABLE',
  refused: 'CONFIG.INVALID',
  rejected: 'STORE.REJECTED',
  failed: 'STORE.FAILED',
};

/**
 * The error for a failure of `kind`. A refusal names the server and the settings to fix: the
 * user and password Refract sends (opensearchUsername, opensearchPassword) and that user's rights.
 */
export function failureError(
  kind: FailureKind, message: string, details: Record<string, unknown>, options: { cause?: unknown; server?: string } = {},
): RefractError {
  if (kind !== 'refused') return new RefractError(CODES[kind], message, details, { cause: options.cause });
  const server = options.server ?? 'unknown';
  return new RefractError(
    CODES[kind],
    `${message}: OpenSearch at ${server} refused Refract's credentials or permissions; check settings opensearchUsername ` +
      'and opensearchPassword (REFRACT_OPENSEARCH_USERNAME, REFRACT_OPENSEARCH_PASSWORD or REFRACT_OPENSEARCH_PASSWORD_FILE; ' +
      'none are sent when unset) and that user\'s rights',
    { ...details, field: 'opensearchPassword', server },
    { cause: options.cause },
  );
}

/**
 * Maps a thrown client error to the taxonomy: no answer at all (refused, reset, timed out) is
 * retryable STORE.UNAVAILABLE; an answer is sorted by `failureKind` as a whole request. Anything
 * else is left as it is, so the runner treats it as an unknown error (a bug), not as bad input.
 */
export function toStoreError(error: unknown, action: string): unknown {
  if (
    error instanceof errors.ConnectionError || error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError || error instanceof errors.RequestAbortedError
  ) {
    const untrusted = untrustedCertificateCode(error);
    const url = connectionUrl(error);
    if (untrusted && url) return untrustedCertificate('OpenSearch', url.href, untrusted, 'opensearchUrl');
    return new RefractError('STORE.UNAVAILABLE', `OpenSearch did not answer ${action}: ${error.message}`, { action }, { cause: error });
  }
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 500;
    const body = error.body as { error?: OpenSearchCause | string } | undefined;
    const cause = typeof body?.error === 'string' ? { reason: body.error } : body?.error;
    const kind = failureKind(status, cause, 'request');
    return failureError(kind, `OpenSearch answered ${status} to ${action}: ${describeCause(cause)}`, { action, status, type: cause?.type }, { cause: error, server: serverOf(error) });
  }
  return error;
}

/** The server a client error came from, without any credentials its URL carried. */
function serverOf(error: errors.ResponseError): string | undefined {
  return connectionUrl(error)?.origin;
}

function connectionUrl(error: errors.OpenSearchClientError): URL | undefined {
  const url = ((error as { meta?: unknown }).meta as { meta?: { connection?: { url?: URL } | null } } | undefined)?.meta?.connection?.url;
  return url instanceof URL ? url : undefined;
}

/** True when a request failed only because the index or alias does not exist (yet). */
export function isIndexNotFound(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError) || error.statusCode !== 404) return false;
  const body = error.body as { error?: OpenSearchCause } | undefined;
  return body?.error?.type === 'index_not_found_exception';
}
