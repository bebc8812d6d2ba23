import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initVectorIndices } from '../../../src/adapters/opensearch/init-vector-indices.ts';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import type { PropertyValue, VectorWrite } from '../../../src/domain/index.ts';
import { DIM, unit, vectorStoreContract } from '../../contract/vector-store.contract.ts';
import { openSearchTestStores } from './opensearch-test-stores.ts';

const doc = (id: string, version: number, fields: Record<string, PropertyValue> = {}, embedding: Float32Array = unit(0)): VectorWrite => ({
  kind: 'index', index: 'person', id, version, fields: { entity_type: 'person', ...fields }, textHash: `h-${id}`, modelId: 'test', embedding,
});

const stores = openSearchTestStores('store');
afterEach(() => stores.cleanUp());
afterAll(() => stores.close());

vectorStoreContract('opensearch', () => Promise.resolve({ store: stores.open(stores.freshPrefix()), index: 'person' }));

describe('the OpenSearch vector store', () => {
  describe('when the indices are bootstrapped twice', () => {
    it('creates them once, reports them present the second time, and changes nothing', async () => {
      const prefix = stores.freshPrefix();
      const init = () => initVectorIndices({ client: stores.admin, indices: ['person', 'company'], dimension: DIM, prefix });
      const first = await init();
      expect(first).toEqual([
        { entityType: 'person', alias: `${prefix}person`, index: `${prefix}person-v1`, created: true },
        { entityType: 'company', alias: `${prefix}company`, index: `${prefix}company-v1`, created: true },
      ]);
      const before = (await stores.admin.indices.get({ index: `${prefix}*` })).body;
      expect((await init()).map((s) => s.created)).toEqual([false, false]);
      expect((await stores.admin.indices.get({ index: `${prefix}*` })).body).toEqual(before);
    });

    it('refuses an existing index whose vectors have another dimension', async () => {
      const prefix = stores.freshPrefix();
      await initVectorIndices({ client: stores.admin, indices: ['person'], dimension: 8, prefix });
      await expect(initVectorIndices({ client: stores.admin, indices: ['person'], dimension: DIM, prefix }))
        .rejects.toMatchObject({ code: 'CONFIG.INVALID', retryable: false });
    });

    it('refuses a plain index squatting on the alias name', async () => {
      const prefix = stores.freshPrefix();
      await stores.admin.indices.create({ index: `${prefix}person` });
      const refused = initVectorIndices({ client: stores.admin, indices: ['person'], dimension: DIM, prefix });
      await expect(refused).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
      await expect(refused).rejects.toThrow(`${prefix}person`);
    });
  });

  describe('when the first write to an entity type arrives', () => {
    it('bootstraps its index behind the alias; if the alias vanishes, one retryable failure, then it heals', async () => {
      const prefix = stores.freshPrefix();
      const store = stores.open(prefix);
      await store.write([doc('a', 1)]);
      expect(Object.keys((await stores.admin.indices.getAlias({ name: `${prefix}person` })).body)).toEqual([`${prefix}person-v1`]);

      await stores.admin.indices.delete({ index: `${prefix}person-v1` });
      await expect(store.write([doc('b', 1)])).rejects.toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
      expect(await store.write([doc('b', 1)])).toEqual({ applied: 1, stale: 0, rejected: [] });
      expect(await store.count('person')).toBe(1);
    });
  });

  describe('when one item of a batch cannot be indexed', () => {
    it('rejects that item with OpenSearch\'s reason and applies the others', async () => {
      const prefix = stores.freshPrefix();
      const store = stores.open(prefix);
      await store.write([doc('first', 1, { score: 3 })]);
      const result = await store.write([
        doc('a', 1, { score: 4 }),
        doc('bad-type', 1, { score: 'not a number' }),
        doc('zero', 1, {}, new Float32Array(DIM)),
        doc('b', 1, { score: 5.5 }),
        doc('x'.repeat(600), 1),
      ]);
      expect(result.applied).toBe(2);
      expect(result.stale).toBe(0);
      expect(result.rejected.map((r) => [r.position, r.error.code, r.error.retryable])).toEqual([
        [1, 'STORE.REJECTED', false], [2, 'STORE.REJECTED', false], [4, 'STORE.REJECTED', false],
      ]);
      const [typeError, zeroError] = result.rejected.map((r) => r.error.message);
      expect(typeError).toContain(`${prefix}person`);
      expect(typeError).toContain('bad-type');
      expect(typeError).toContain('mapper_parsing_exception');
      expect(zeroError).toContain('zero vector is not supported');
      expect([...(await store.get('person', ['a', 'b', 'bad-type', 'zero'])).keys()].sort()).toEqual(['a', 'b']);
    });
  });

  describe('when versions conflict', () => {
    it('counts every 409 as stale and keeps the newest', async () => {
      const store = stores.open(stores.freshPrefix());
      await store.write([doc('a', 2, { city: 'Lyon' })]);
      expect(await store.write([doc('a', 2, { city: 'Rome' }), doc('a', 1, { city: 'Oslo' }), doc('a', 3, { city: 'Kyiv' })]))
        .toEqual({ applied: 1, stale: 2, rejected: [] });
      expect((await store.get('person', ['a'])).get('a')).toMatchObject({ version: 3, fields: { city: 'Kyiv' } });
    });
  });

  describe('when a real embedding is stored', () => {
    it('gives back exactly the same 384 floats', async () => {
      const store = stores.open(stores.freshPrefix());
      const [vector] = await createHashingEmbedder().embed(['paediatric nurse in Lyon']);
      if (!vector) throw new Error('no vector');
      await store.write([doc('a', 1, {}, vector)]);
      expect((await store.get('person', ['a'])).get('a')?.embedding).toEqual(vector);
    });
  });

  describe('when a document is tombstoned', () => {
    it('stores a versioned document without any vector', async () => {
      const prefix = stores.freshPrefix();
      const store = stores.open(prefix);
      await store.write([doc('a', 1), { kind: 'tombstone', index: 'person', id: 'a', version: 2 }]);
      const raw = await stores.admin.get({ index: `${prefix}person`, id: 'a' });
      expect(raw.body._version).toBe(2);
      expect(raw.body._source).toEqual({ entity_id: 'a', entity_type: 'person', version: 2, deleted: true, fields: {} });
      expect((await store.get('person', ['a'])).get('a')).toEqual({ index: 'person', id: 'a', version: 2, deleted: true, fields: {} });
    });
  });

  describe('when searched', () => {
    it('reports the cosine similarity as the score, as the in-memory store does', async () => {
      const store = stores.open(stores.freshPrefix());
      const near = unit(3);
      near[4] = 1;
      await store.write([doc('x', 1, {}, unit(3)), doc('y', 1, {}, unit(5))]);
      const hits = await store.search('person', near, 2);
      expect(hits.map((h) => h.id)).toEqual(['x', 'y']);
      expect(hits[0]?.score).toBeCloseTo(Math.SQRT1_2, 5);
      expect(hits[1]?.score).toBeCloseTo(0, 5);
    });
  });

  describe('when the index is blocked for writes (an operator, the disk watermark)', () => {
    it('throws a retryable STORE.UNAVAILABLE for the batch (a 403 cluster block is not a credentials problem), then writes once the block is lifted', async () => {
      const prefix = stores.freshPrefix();
      const store = stores.open(prefix);
      await store.write([doc('a', 1)]);
      await stores.admin.indices.putSettings({ index: `${prefix}person-v1`, body: { 'index.blocks.write': true } });
      try {
        const blocked = store.write([doc('a', 2), doc('b', 1)]);
        await expect(blocked).rejects.toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true, details: { status: 403, type: 'cluster_block_exception' } });
      } finally {
        await stores.admin.indices.putSettings({ index: `${prefix}person-v1`, body: { 'index.blocks.write': null } });
      }
      expect(await store.write([doc('a', 2), doc('b', 1)])).toEqual({ applied: 2, stale: 0, rejected: [] });
    });
  });

  describe('when the server cannot be reached', () => {
    it('throws a retryable STORE.UNAVAILABLE', async () => {
      const store = stores.open(stores.freshPrefix(), { node: 'http://127.0.0.1:1', requestTimeoutMs: 2000 });
      await expect(store.write([doc('a', 1)])).rejects.toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
      await expect(store.get('person', ['a'])).rejects.toMatchObject({ code: 'STORE.UNAVAILABLE', retryable: true });
    });
  });
});
