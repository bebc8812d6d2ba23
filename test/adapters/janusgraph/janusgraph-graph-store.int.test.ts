import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../../src/ports/index.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';
import { bucketOf } from '../../../src/adapters/janusgraph/graph-buckets.ts';
import { SYSTEM_KEYS } from '../../../src/adapters/janusgraph/graph-schema.ts';
import { P } from '../../../src/adapters/janusgraph/gremlin-driver.ts';
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

  describe('when a vertex was written before buckets existed', () => {
    it.each(['mergeV', 'coalesce'] as const)('gives it its bucket on the next write that touches it, even a stale one (%s)', async (kind) => {
      const raw = rawGraph(url);
      const [owner, account] = [`${prefix}legacy-${kind}-owner`, `${prefix}legacy-${kind}-acc`];
      try {
        for (const id of [owner, account]) {
          await raw.g.addV('person').property(SYSTEM_KEYS.id, id).property(SYSTEM_KEYS.version, 5).property(SYSTEM_KEYS.deleted, false).iterate();
        }
        // Stale for the account (5 is not newer than 5): only the bucket may change, on it and on its edge target.
        expect(await stores[kind]!.apply([{ kind: 'upsert_vertex', label: 'account', id: account, version: 5, properties: {}, edges: [{ label: 'OWNED_BY', to: { label: 'person', id: owner }, properties: {} }] }]))
          .toEqual({ applied: 0, stale: 1, rejected: [] });
        const buckets = await raw.g.V().has(SYSTEM_KEYS.id, P.within(account, owner)).project('id', 'bucket').by(SYSTEM_KEYS.id).by(SYSTEM_KEYS.bucket).toList();
        const found = new Map(buckets.map((row) => [(row as Map<string, unknown>).get('id'), (row as Map<string, unknown>).get('bucket')] as const));
        expect(found.get(account)).toBe(bucketOf(account));
        // Edge targets are reached only by applied commands, with either upsert shape.
        expect(found.get(owner)).toBeUndefined();
      } finally {
        await raw.close();
      }
    });
  });
});
