import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { toStoreError } from '../../../src/adapters/janusgraph/store-errors.ts';
import { isRefractError } from '../../../src/domain/index.ts';

/** A Gremlin Server error as the driver raises it: status code, exception chain, stack. */
const serverError = (code: number, message: string, exceptions: string[] = [], stackTrace = '') =>
  Object.assign(new Error(`Server error: ${message} (${code})`), {
    statusCode: code, statusMessage: message, statusAttributes: new Map<string, unknown>([['exceptions', exceptions], ['stackTrace', stackTrace]]),
  });

const codeOf = (error: unknown) => (isRefractError(error) ? `${error.code}${error.retryable ? ' (retryable)' : ''}` : 'unmapped');

describe('toStoreError', () => {
  describe('when JanusGraph reports a lock conflict', () => {
    it('is a retryable STORE.CONFLICT, whether named in the chain or only in a cause', () => {
      const commit = 'Could not commit transaction due to exception during persistence';
      expect(codeOf(toStoreError(serverError(500, commit, ['org.janusgraph.core.JanusGraphException', 'com.sleepycat.je.LockTimeoutException']), 'apply'))).toBe('STORE.CONFLICT (retryable)');
      expect(codeOf(toStoreError(serverError(500, commit, ['org.janusgraph.core.JanusGraphException'], `x\nCaused by: org.janusgraph.diskstorage.locking.PermanentLockingException: Local lock contention\n\tat a.b(C.java:1)`), 'apply'))).toBe('STORE.CONFLICT (retryable)');
      expect(codeOf(toStoreError(serverError(597, 'Adding this property for key [entity_id] and value [a-1] violates a uniqueness constraint [byEntityIdUnique]'), 'apply'))).toBe('STORE.CONFLICT (retryable)');
    });

    it('is a retryable STORE.CONFLICT when another process\u2019s schema bootstrap closed the transaction, and only for that exact answer', () => {
      // As three runners starting at once on a fresh graph saw it during `graph init`.
      expect(codeOf(toStoreError(serverError(597, 'The transaction has already been closed', ['java.lang.IllegalArgumentException']), 'schema init'))).toBe('STORE.CONFLICT (retryable)');
      const quoted = 'Value [The transaction has already been closed] is not an instance of the expected data type for property key [note]';
      expect(codeOf(toStoreError(serverError(597, quoted, ['java.lang.IllegalArgumentException']), 'apply'))).toBe('STORE.REJECTED');
    });
  });

  describe('when the server is overloaded or slow', () => {
    it('is retryable: STORE.OVERLOADED or STORE.UNAVAILABLE', () => {
      expect(codeOf(toStoreError(serverError(429, 'Too many requests'), 'apply'))).toBe('STORE.OVERLOADED (retryable)');
      expect(codeOf(toStoreError(serverError(598, 'evaluation exceeded the configured evaluationTimeout threshold'), 'apply'))).toBe('STORE.UNAVAILABLE (retryable)');
      expect(codeOf(toStoreError(serverError(500, 'backend', ['org.janusgraph.diskstorage.TemporaryBackendException']), 'apply'))).toBe('STORE.UNAVAILABLE (retryable)');
    });
  });

  describe('when the server refuses the data of the request', () => {
    it('is STORE.REJECTED, not retryable, for the exceptions JanusGraph raises for a bad value or name', () => {
      // As JanusGraph 1.1 answers a string written to a Double key, and an empty property key.
      const typeClash = 'Value [abc] is not an instance of the expected data type for property key [r_amount] and cannot be converted. Expected: class java.lang.Double, found: class java.lang.String';
      expect(codeOf(toStoreError(serverError(500, typeClash, ['org.janusgraph.core.SchemaViolationException'], `org.janusgraph.core.SchemaViolationException: ${typeClash}`), 'apply'))).toBe('STORE.REJECTED');
      expect(codeOf(toStoreError(serverError(500, 'Label can not be empty', ['java.lang.IllegalArgumentException']), 'apply'))).toBe('STORE.REJECTED');
      expect(codeOf(toStoreError(serverError(597, 'bad number', [], 'java.lang.NumberFormatException: For input string: "x"'), 'apply'))).toBe('STORE.REJECTED');
    });

    it('stays STORE.REJECTED when the quoted event value reads like a transient failure', () => {
      for (const value of ['account has been closed', 'payment timed out', 'Too many requests']) {
        const clash = `Value [${value}] is not an instance of the expected data type for property key [note] and cannot be converted.`;
        expect(codeOf(toStoreError(serverError(597, clash, ['java.lang.IllegalArgumentException'], `java.lang.IllegalArgumentException: ${clash}`), 'apply'))).toBe('STORE.REJECTED');
      }
    });
  });

  describe('when the server refuses the request itself', () => {
    it.each([401, 403, 407, 497, 498, 499])('is a CONFIG.INVALID for status %i, so the leg stops instead of dead-lettering every event', (status) => {
      expect(codeOf(toStoreError(serverError(status, 'refused'), 'apply'))).toBe('CONFIG.INVALID');
    });
  });

  describe('when the connection fails', () => {
    it('is a retryable STORE.UNAVAILABLE', () => {
      expect(codeOf(toStoreError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'get'))).toBe('STORE.UNAVAILABLE (retryable)');
      expect(codeOf(toStoreError(new Error('Connection has been closed.'), 'get'))).toBe('STORE.UNAVAILABLE (retryable)');
    });
  });

  describe('when the error is not one it knows', () => {
    it.each([
      ['the server runs out of memory', serverError(500, 'Java heap space', ['java.lang.OutOfMemoryError'])],
      ['the backend fails for good', serverError(500, 'Could not commit transaction due to exception during persistence', ['org.janusgraph.core.JanusGraphException', 'org.janusgraph.diskstorage.PermanentBackendException'])],
      ['a data exception is only a cause deep in the chain', serverError(500, 'Could not commit', ['org.janusgraph.core.JanusGraphException', 'java.lang.IllegalArgumentException'])],
      ['the server names no exception', serverError(500, 'something broke')],
      ['the adapter itself has a bug', new TypeError('x is not a function')],
    ])('is STORE.FAILED, not retryable and not the event\u2019s fault, when %s', (_, error) => {
      const mapped = toStoreError(error, 'apply');
      expect(codeOf(mapped)).toBe('STORE.FAILED');
      expect(mapped.cause).toBe(error);
    });
  });
});

describe('the JanusGraph store without a server', () => {
  const servers: Server[] = [];
  afterAll(() => { for (const s of servers) s.close(); });
  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };

  describe('when nothing listens on the port', () => {
    it('fails with a retryable STORE.UNAVAILABLE', async () => {
      const port = await listen(createServer());
      await new Promise((resolve) => servers.pop()?.close(resolve));
      const store = createJanusGraphStore({ url: `ws://127.0.0.1:${port}/gremlin` });
      expect(codeOf(await store.count().catch((e: unknown) => e))).toBe('STORE.UNAVAILABLE (retryable)');
      await store.close();
    });
  });

  describe('when the server accepts but never answers', () => {
    it('gives up after the request timeout with a retryable STORE.UNAVAILABLE', async () => {
      const port = await listen(createServer(() => undefined));
      const store = createJanusGraphStore({ url: `ws://127.0.0.1:${port}/gremlin`, requestTimeoutMs: 300 });
      expect(codeOf(await store.apply([{ kind: 'tombstone_vertex', label: 'person', id: 'p', version: 1, deletedAt: 0 }]).catch((e: unknown) => e))).toBe('STORE.UNAVAILABLE (retryable)');
      await store.close();
    });
  });
});
