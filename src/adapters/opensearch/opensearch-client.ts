import { Client } from '@opensearch-project/opensearch';
import type { ServerAuth } from '../shared/server-auth.ts';

/** How long one request may take before it counts as the server not answering. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface OpenSearchClientOptions {
  readonly requestTimeoutMs?: number;
  /** The user and password it sends (HTTP basic) and the CA it trusts for https:// (docs/adr/0022). */
  readonly auth?: ServerAuth;
}

/**
 * The client every OpenSearch request of Refract goes through. Each request has a deadline
 * (`requestTimeout`), so a hung server fails it as STORE.UNAVAILABLE instead of holding a leg
 * for ever. The client's own retries are off: it would repeat a timed-out or 502/503/504
 * request up to three times without a word; Refract's retries log every attempt.
 */
export function createOpenSearchClient(node: string, options: OpenSearchClientOptions = {}): Client {
  const { auth } = options;
  return new Client({
    node, requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, maxRetries: 0,
    ...(auth?.username !== undefined && auth.password ? { auth: { username: auth.username, password: auth.password.reveal() } } : {}),
    ...(auth?.ca === undefined ? {} : { ssl: { ca: auth.ca, rejectUnauthorized: true } }),
  });
}

/** The client options a store's configuration asks for. */
export function clientOptions(config: { readonly requestTimeoutMs?: number; readonly auth?: ServerAuth }): OpenSearchClientOptions {
  return {
    ...(config.requestTimeoutMs ? { requestTimeoutMs: config.requestTimeoutMs } : {}),
    ...(config.auth ? { auth: config.auth } : {}),
  };
}
