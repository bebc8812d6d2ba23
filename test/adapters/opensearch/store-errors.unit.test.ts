import { afterEach, describe, expect, it } from 'vitest';
import { createOpenSearchVectorStore } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import type { VectorStore } from '../../../src/ports/index.ts';
import { errorBody, fakeOpenSearch, type FakeAnswer } from './fake-opensearch.ts';

/** Each test's server and store, closed after it. */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function storeAnswering(answer: FakeAnswer | 'hang', options: { credentials?: string; requestTimeoutMs?: number } = {}) {
  const server = await fakeOpenSearch(() => answer);
  const node = options.credentials ? server.url.replace('http://', `http://${options.credentials}@`) : server.url;
  const store: VectorStore = createOpenSearchVectorStore({ node, prefix: 't-', requestTimeoutMs: options.requestTimeoutMs ?? 5_000 });
  open.push(server, store);
  return { server, store };
}

const failure = (promise: Promise<unknown>) => promise.then(
  () => undefined,
  (error: unknown) => error as { code?: string; retryable?: boolean; message: string; details?: Record<string, unknown> },
);

describe('OpenSearch request failures', () => {
  describe('when OpenSearch answers 401 or 403 to a whole request (credentials or permissions)', () => {
    it('is CONFIG.INVALID naming the server and the setting, never its password, and not retryable', async () => {
      for (const [status, type] of [[401, 'security_exception'], [403, 'security_exception']] as const) {
        const { server, store } = await storeAnswering({ status, body: errorBody(status, type, 'no permissions for [indices:data/read/mget]') }, { credentials: 'refract:s3cret' });
        const error = await failure(store.get('person', ['a']));
        expect(error).toMatchObject({ code: 'CONFIG.INVALID', retryable: false, details: { field: 'opensearchPassword', server: server.url, status } });
        expect(error?.message).toContain(server.url);
        expect(error?.message).toContain('REFRACT_OPENSEARCH_PASSWORD_FILE');
        expect(error?.message).not.toContain('s3cret');
      }
    });
  });

  describe('when the 403 is a cluster block (a read-only index, the disk watermark)', () => {
    it('is the retryable STORE.UNAVAILABLE: the cluster\'s state, which passes', async () => {
      const { store } = await storeAnswering({ status: 403, body: errorBody(403, 'cluster_block_exception', 'index [t-person-v1] blocked by: [FORBIDDEN/8/index write (api)];') });
      expect(await failure(store.count('person'))).toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
    });
  });

  describe('when a whole request fails in a way the adapter does not recognise', () => {
    it('is the non-retryable STORE.FAILED, never STORE.REJECTED (no document is at fault)', async () => {
      for (const body of [errorBody(400, 'some_new_exception', 'what is this'), errorBody(400, 'mapper_parsing_exception', 'a whole request, not one document')]) {
        const { store } = await storeAnswering({ status: 400, body });
        expect(await failure(store.get('person', ['a']))).toMatchObject({ code: 'STORE.FAILED', retryable: false });
      }
    });
  });

  describe('when OpenSearch is overloaded or failing', () => {
    it('is retryable: 429 STORE.OVERLOADED, 500 STORE.UNAVAILABLE', async () => {
      const busy = await storeAnswering({ status: 429, body: errorBody(429, 'rejected_execution_exception', 'queue full') });
      expect(await failure(busy.store.get('person', ['a']))).toMatchObject({ code: 'STORE.OVERLOADED', retryable: true });
      const broken = await storeAnswering({ status: 500, body: errorBody(500, 'exception', 'boom') });
      expect(await failure(broken.store.get('person', ['a']))).toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
    });
  });

  describe('when the server accepts requests and never answers', () => {
    it('fails each request at its deadline as STORE.UNAVAILABLE, after one attempt (no silent client retries)', async () => {
      const { server, store } = await storeAnswering('hang', { requestTimeoutMs: 300 });
      const started = Date.now();
      expect(await failure(store.get('person', ['a']))).toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await failure(store.write([{ kind: 'tombstone', index: 'person', id: 'a', version: 1 }]))).toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
      expect(server.requests).toHaveLength(2); // the mget and the write's alias look-up, once each
    }, 10_000);
  });
});
