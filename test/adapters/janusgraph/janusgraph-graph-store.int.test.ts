import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../../src/ports/index.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';
import { janusGraphUrl, janusStore, rawGraph, runPrefix } from './janusgraph-test-graph.ts';
import { prefixedGraphStore } from '../../support/prefixed-graph-store.ts';

const prefix = runPrefix('contract');
const stores: Record<'mergeV' | 'coalesce', GraphStore | undefined> = { mergeV: undefined, coalesce: undefined };
let url = '';
let tests = 0;

beforeAll(async () => {
  url = await janusGraphUrl();
  stores.mergeV = janusStore(url, { upsert: 'mergeV' });
  stores.coalesce = janusStore(url, { upsert: 'coalesce' });
});

afterAll(async () => {
  const raw = rawGraph(url);
  await raw.dropPrefix(prefix).finally(() => raw.close());
  await Promise.all([stores.mergeV?.close(), stores.coalesce?.close()]);
});

/** Each contract test gets ids of its own on the shared server. */
const makeStore = (kind: 'mergeV' | 'coalesce') => () => Promise.resolve(prefixedGraphStore(stores[kind]!, `${prefix}${kind}-${++tests}-`));

graphStoreContract('janusgraph (mergeV upserts)', makeStore('mergeV'));
graphStoreContract('janusgraph (fold().coalesce() upserts)', makeStore('coalesce'));

describe('the JanusGraph store', () => {
  describe('when a payload uses a key the store reserves', () => {
    it('rejects that command at its position, permanently, and applies the rest', async () => {
      const store = await makeStore('mergeV')();
      const result = await store.apply([
        { kind: 'upsert_vertex', label: 'person', id: 'ok', version: 1, properties: { city: 'Lyon' }, edges: [] },
        { kind: 'upsert_vertex', label: 'person', id: 'bad', version: 1, properties: { version: 'x' }, edges: [] },
      ]);
      expect(result).toMatchObject({ applied: 1, stale: 0, rejected: [{ position: 1, error: { code: 'STORE.REJECTED', retryable: false } }] });
      expect([...(await store.get(['ok', 'bad'])).keys()]).toEqual(['ok']);
    });
  });
});
