import { describe, expect, it } from 'vitest';
import type { VectorWrite } from '../../src/domain/index.ts';
import type { VectorStore } from '../../src/ports/index.ts';

export const DIM = 384;
/** A unit vector along one axis: distinct, never zero, and easy to rank by cosine. */
export const unit = (hot: number) => {
  const v = new Float32Array(DIM);
  v[hot] = 1;
  return v;
};

/** What every VectorStore must do. `index` is unique per test run on shared servers. */
export function vectorStoreContract(name: string, makeStore: () => Promise<{ store: VectorStore; index: string }>) {
  const doc = (index: string, id: string, version: number, hot: number, city = 'Lyon'): Extract<VectorWrite, { kind: 'index' }> => ({
    kind: 'index', index, id, version, fields: { entity_type: 'person', city }, textHash: `h${hot}`, modelId: 'test', embedding: unit(hot),
  });

  describe(`VectorStore contract: ${name}`, () => {
    describe('when documents are written', () => {
      it('returns them by id with version, fields, text hash and embedding', async () => {
        const { store, index } = await makeStore();
        expect(await store.write([doc(index, 'a', 1, 0), doc(index, 'b', 2, 1)])).toEqual({ applied: 2, stale: 0, rejected: [] });
        const found = await store.get(index, ['a', 'b', 'missing']);
        expect([...found.keys()].sort()).toEqual(['a', 'b']);
        expect(found.get('b')).toMatchObject({ id: 'b', version: 2, deleted: false, fields: { city: 'Lyon' }, textHash: 'h1', modelId: 'test' });
        expect(Array.from(found.get('b')?.embedding ?? []).indexOf(1)).toBe(1);
      });
    });

    describe('when one document of a batch carries a zero vector', () => {
      it('rejects that one permanently and applies the others', async () => {
        const { store, index } = await makeStore();
        const zero: VectorWrite = { ...doc(index, 'z0', 1, 0), embedding: new Float32Array(DIM) };
        const result = await store.write([doc(index, 'ok1', 1, 1), zero, doc(index, 'ok2', 1, 2)]);
        expect(result.applied).toBe(2);
        expect(result.rejected.map((r) => r.position)).toEqual([1]);
        expect(result.rejected[0]?.error).toMatchObject({ code: 'STORE.REJECTED', retryable: false });
        expect([...(await store.get(index, ['ok1', 'z0', 'ok2'])).keys()].sort()).toEqual(['ok1', 'ok2']);
      });
    });

    describe('when versions arrive out of order', () => {
      it('keeps the newest; a conflict is stale, never an error', async () => {
        const { store, index } = await makeStore();
        await store.write([doc(index, 'a', 5, 0, 'Paris')]);
        expect(await store.write([doc(index, 'a', 5, 1), doc(index, 'a', 3, 2)])).toEqual({ applied: 0, stale: 2, rejected: [] });
        expect((await store.get(index, ['a'])).get('a')).toMatchObject({ version: 5, fields: { city: 'Paris' } });
      });
    });

    // The store's own guard, called directly: the vector leg drops stale commands before they
    // reach the store, so only these tests show that the store itself refuses them.
    describe('when an equal or older version is written after a newer one, in separate writes', () => {
      it('counts an index write stale and leaves the stored document exactly as it was', async () => {
        const { store, index } = await makeStore();
        expect(await store.write([doc(index, 'a', 5, 0, 'Paris')])).toEqual({ applied: 1, stale: 0, rejected: [] });
        const before = await store.get(index, ['a']);
        expect(await store.write([doc(index, 'a', 5, 1, 'Rome')])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.write([doc(index, 'a', 4, 2, 'Oslo')])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.write([{ kind: 'tombstone', index, id: 'a', version: 5 }])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.write([{ kind: 'tombstone', index, id: 'a', version: 2 }])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.get(index, ['a'])).toEqual(before);
        expect(await store.count(index)).toBe(1);
        expect((await store.search(index, unit(0), 3)).map((h) => h.id)).toEqual(['a']);
      });

      it('counts a tombstone stale and leaves the stored tombstone exactly as it was', async () => {
        const { store, index } = await makeStore();
        await store.write([doc(index, 't', 1, 0)]);
        expect(await store.write([{ kind: 'tombstone', index, id: 't', version: 6 }])).toEqual({ applied: 1, stale: 0, rejected: [] });
        const before = await store.get(index, ['t']);
        expect(await store.write([{ kind: 'tombstone', index, id: 't', version: 6 }])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.write([{ kind: 'tombstone', index, id: 't', version: 3 }])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.get(index, ['t'])).toEqual(before);
        expect(before.get('t')).toEqual({ index, id: 't', version: 6, deleted: true, fields: {} });
      });

      it('never lets an older or equal index write resurrect a tombstone', async () => {
        const { store, index } = await makeStore();
        expect(await store.write([{ kind: 'tombstone', index, id: 'gone', version: 4 }])).toEqual({ applied: 1, stale: 0, rejected: [] });
        const before = await store.get(index, ['gone']);
        expect(await store.write([doc(index, 'gone', 2, 0)])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.write([doc(index, 'gone', 4, 0)])).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect(await store.get(index, ['gone'])).toEqual(before);
        expect(before.get('gone')).toEqual({ index, id: 'gone', version: 4, deleted: true, fields: {} });
        expect(await store.count(index)).toBe(0);
        expect(await store.search(index, unit(0), 3)).toEqual([]);
      });
    });

    describe('when a document is tombstoned', () => {
      it('keeps the tombstone version, hides it from search and count, and refuses older writes', async () => {
        const { store, index } = await makeStore();
        await store.write([doc(index, 'a', 1, 0), doc(index, 'b', 1, 0), { kind: 'tombstone', index, id: 'a', version: 2 }]);
        expect(await store.count(index)).toBe(1);
        expect(await store.write([doc(index, 'a', 1, 0)])).toMatchObject({ stale: 1 });
        expect((await store.get(index, ['a'])).get('a')).toMatchObject({ deleted: true, version: 2 });
        expect((await store.search(index, unit(0), 5)).map((h) => h.id)).toEqual(['b']);
      });
    });

    describe('when old tombstones are purged', () => {
      it('removes tombstones deleted before the cut-off, page by page, and keeps young ones, undated ones and live documents', async () => {
        const { store, index } = await makeStore();
        const day = 86_400_000;
        const cut = Date.UTC(2001, 0, 1);
        const old = Array.from({ length: 7 }, (_, i) => ({ kind: 'tombstone' as const, index, id: `old${i}`, version: 3, deletedAt: cut - day }));
        await store.write([
          ...old, { kind: 'tombstone', index, id: 'young', version: 3, deletedAt: cut + day },
          { kind: 'tombstone', index, id: 'undated', version: 3 }, doc(index, 'live', 1, 2),
        ]);
        const progress: number[] = [];
        expect(await store.purge(index, { olderThan: cut, onProgress: (p) => progress.push(p.done) })).toBe(7);
        expect([...(await store.get(index, [...old.map((o) => o.id), 'young', 'undated', 'live'])).keys()].sort()).toEqual(['live', 'undated', 'young']);
        expect((await store.get(index, ['young'])).get('young')).toMatchObject({ deleted: true, deletedAt: cut + day });
        expect(progress.at(-1)).toBe(1);
        const scanned = (await store.scan(index, 100)).items.map((i) => i.id).sort();
        expect(scanned).toEqual(['live', 'undated', 'young']);
        expect(await store.count(index)).toBe(1);
        expect(await store.purge(index, { olderThan: cut })).toBe(0);
      });
    });

    describe('when searched', () => {
      it('returns the k nearest live documents by cosine similarity, best first', async () => {
        const { store, index } = await makeStore();
        const near = new Float32Array(DIM);
        near[3] = 0.9;
        near[4] = 0.1;
        await store.write([doc(index, 'x', 1, 3), doc(index, 'y', 1, 4), doc(index, 'z', 1, 5)]);
        const hits = await store.search(index, near, 2);
        expect(hits.map((h) => h.id)).toEqual(['x', 'y']);
        expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? 1);
        expect(hits[0]?.fields).toMatchObject({ city: 'Lyon' });
      });
    });

    describe('when scanned page by page', () => {
      it('lists every id with its version, tombstones included', async () => {
        const { store, index } = await makeStore();
        await store.write([...Array.from({ length: 5 }, (_, i) => doc(index, `d${i}`, i + 1, i)), { kind: 'tombstone', index, id: 'd9', version: 7 }]);
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await store.scan(index, 2, after);
          seen.push(...page.items.map((i) => `${i.id}@${i.version}${i.deleted ? 'x' : ''}`));
          after = page.next;
        } while (after !== undefined);
        expect(seen).toEqual(['d0@1', 'd1@2', 'd2@3', 'd3@4', 'd4@5', 'd9@7x']);
      });
    });

    describe('when the same batch is written again (a retried write)', () => {
      it('counts every write stale the second time and leaves the state as it was', async () => {
        const { store, index } = await makeStore();
        const batch: VectorWrite[] = [doc(index, 'a', 1, 0), doc(index, 'b', 3, 1), { kind: 'tombstone', index, id: 'c', version: 2 }];
        expect(await store.write(batch)).toEqual({ applied: 3, stale: 0, rejected: [] });
        const before = await store.get(index, ['a', 'b', 'c']);
        expect(await store.write(batch)).toEqual({ applied: 0, stale: 3, rejected: [] });
        expect(await store.get(index, ['a', 'b', 'c'])).toEqual(before);
        expect(before.get('c')).toEqual({ index, id: 'c', version: 2, deleted: true, fields: {} });
      });
    });

    describe('when an index was never written', () => {
      it('reads as empty', async () => {
        const { store, index } = await makeStore();
        const other = `${index}-never`;
        expect(await store.get(other, ['a'])).toEqual(new Map());
        expect(await store.scan(other, 10)).toEqual({ items: [] });
        expect(await store.count(other)).toBe(0);
        expect(await store.search(other, unit(0), 3)).toEqual([]);
      });
    });
  });
}
