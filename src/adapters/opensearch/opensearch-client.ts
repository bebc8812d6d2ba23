import { Client } from '@opensearch-project/opensearch';

/** How long one request may take before it counts as the server not answering. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The client every OpenSearch request of Refract goes through. Each request has a deadline
 * (`requestTimeout`), so a hung server fails it as STORE.UNAVAILABLE instead of holding a leg
 * for ever. The client's own retries are off: it would repeat a timed-out or 502/503/504
 * request up to three times without a word; Refract's retries log every attempt.
 */
export function createOpenSearchClient(node: string, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Client {
  return new Client({ node, requestTimeout: requestTimeoutMs, maxRetries: 0 });
}
