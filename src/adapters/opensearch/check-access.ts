import { errors } from '@opensearch-project/opensearch';
import type { ServerAuth } from '../shared/server-auth.ts';
import { createOpenSearchClient } from './opensearch-client.ts';
import { toStoreError } from './store-errors.ts';

/**
 * One authenticated read of the cluster (`GET /`), so that wrong credentials or an untrusted
 * certificate stop `refract run` at start-up with CONFIG.INVALID, rather than at the vector
 * leg's first write, which may be hours later. Returns the server's version. A 403 means the
 * login worked but the user may not read cluster information (`cluster:monitor/main`), which
 * Refract does not need: that passes.
 */
export async function checkOpenSearchAccess(node: string, auth: ServerAuth): Promise<string> {
  const client = createOpenSearchClient(node, { auth, requestTimeoutMs: 10_000 });
  try {
    const info = await client.info();
    return (info.body as { version?: { number?: string } }).version?.number ?? 'unknown';
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 403) return 'version not readable by this user';
    throw toStoreError(error, 'reading the cluster\'s information');
  } finally {
    await client.close();
  }
}
