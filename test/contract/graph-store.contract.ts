import { describe, expect, it } from 'vitest';
import type { GraphCommand } from '../../src/domain/index.ts';
import type { GraphStore } from '../../src/ports/index.ts';

type Upsert = Extract<GraphCommand, { kind: 'upsert_vertex' }>;
type Tombstone = Extract<GraphCommand, { kind: 'tombstone_vertex' }>;

/**
 * Deletion times far in the past, so a purge here spares the tombstones of other tests on a
 * shared server (theirs are deleted later), and days apart around the purge's cut-off.
 */
const DAY = 86_400_000;
const LONG_AGO = Date.UTC(2000, 0, 1);
const RECENTLY = LONG_AGO + 10 * DAY;
const tombstone = (label: string, id: string, version: number, deletedAt = LONG_AGO): Tombstone =>
  ({ kind: 'tombstone_vertex', label, id, version, deletedAt });

/**
 * What every GraphStore must do. `makeStore` returns an empty store, or one whose ids are its
 * own on a shared server (see test/support/prefixed-graph-store.ts).
 */
export function graphStoreContract(name: string, makeStore: () => Promise<GraphStore>) {
  const account = (version: number, owner: string, status = 'active'): Upsert => ({
    kind: 'upsert_vertex', label: 'account', id: 'acc', version,
    properties: { status, currency: 'EUR', balance: 12.5, vip: false },
    edges: [{ label: 'OWNED_BY', to: { label: 'person', id: owner }, properties: {} }],
  });

  describe(`GraphStore contract: ${name}`, () => {
    describe('when a vertex is upserted', () => {
      it('stores label, version, properties and owned edges, and reports it applied', async () => {
        const store = await makeStore();
        expect(await store.apply([account(1, 'p1')])).toEqual({ applied: 1, stale: 0, rejected: [] });
        const found = (await store.get(['acc'])).get('acc');
        expect(found).toEqual({
          label: 'account', id: 'acc', version: 1, deleted: false,
          properties: { status: 'active', currency: 'EUR', balance: 12.5, vip: false },
          edges: [{ label: 'OWNED_BY', to: { label: 'person', id: 'p1' }, properties: {} }],
        });
      });

      it('creates a placeholder with the right label for an unseen edge target, which a later create fills', async () => {
        const store = await makeStore();
        await store.apply([account(1, 'p1')]);
        expect((await store.get(['p1'])).get('p1')).toMatchObject({ label: 'person', version: 0, deleted: false });
        await store.apply([{ kind: 'upsert_vertex', label: 'person', id: 'p1', version: 3, properties: { full_name: 'Ann' }, edges: [] }]);
        expect((await store.get(['p1'])).get('p1')).toMatchObject({ version: 3, properties: { full_name: 'Ann' } });
        expect(await store.sources('p1', 'OWNED_BY')).toEqual(['acc']);
      });
    });

    describe('when a later command names another label for an existing id', () => {
      it('keeps the label the vertex was created with: entity ids are unique across types', async () => {
        const store = await makeStore();
        await store.apply([account(1, 'p1')]);
        await store.apply([{ kind: 'upsert_vertex', label: 'company', id: 'p1', version: 2, properties: { legal_name: 'X' }, edges: [] }]);
        expect((await store.get(['p1'])).get('p1')).toMatchObject({ label: 'person', version: 2, properties: { legal_name: 'X' } });
      });
    });

    describe('when versions arrive out of order', () => {
      it('keeps the newest; equal or older versions are stale no-ops', async () => {
        const store = await makeStore();
        await store.apply([account(5, 'p1', 'frozen')]);
        expect(await store.apply([account(5, 'p2'), account(2, 'p3')])).toEqual({ applied: 0, stale: 2, rejected: [] });
        expect((await store.get(['acc'])).get('acc')).toMatchObject({ version: 5, properties: { status: 'frozen' } });
      });
    });

    describe('when a rebuild rewrites equal versions (rewriteEqual)', () => {
      it('rewrites a vertex at the same version, edges included, and still refuses an older one', async () => {
        const store = await makeStore();
        await store.apply([account(5, 'p1', 'frozen')]);
        expect(await store.apply([account(5, 'p2', 'open')], { rewriteEqual: true })).toEqual({ applied: 1, stale: 0, rejected: [] });
        expect(await store.apply([account(4, 'p3')], { rewriteEqual: true })).toEqual({ applied: 0, stale: 1, rejected: [] });
        expect((await store.get(['acc'])).get('acc')).toMatchObject({
          version: 5, properties: { status: 'open' }, edges: [{ label: 'OWNED_BY', to: { label: 'person', id: 'p2' }, properties: {} }],
        });
        expect(await store.apply([tombstone('account', 'acc', 5)], { rewriteEqual: true })).toMatchObject({ applied: 1 });
        expect((await store.get(['acc'])).get('acc')).toMatchObject({ version: 5, deleted: true });
      });
    });

    describe('when an upsert changes the edges a vertex owns', () => {
      it('replaces them, leaving no stale edge', async () => {
        const store = await makeStore();
        await store.apply([account(1, 'p1')]);
        await store.apply([account(2, 'p2')]);
        expect(await store.sources('p1', 'OWNED_BY')).toEqual([]);
        expect(await store.sources('p2', 'OWNED_BY')).toEqual(['acc']);
      });
    });

    describe('when a vertex is tombstoned', () => {
      it('hides it and its edges, and an older create cannot resurrect it', async () => {
        const store = await makeStore();
        await store.apply([account(1, 'p1'), tombstone('account', 'acc', 4)]);
        expect(await store.apply([account(3, 'p1')])).toMatchObject({ applied: 0, stale: 1 });
        expect((await store.get(['acc'])).get('acc')).toEqual({ label: 'account', id: 'acc', version: 4, deleted: true, deletedAt: LONG_AGO, properties: {}, edges: [] });
        expect(await store.sources('p1', 'OWNED_BY')).toEqual([]);
      });

      it('remembers a tombstone for an id it never saw', async () => {
        const store = await makeStore();
        await store.apply([tombstone('person', 'ghost', 2)]);
        expect(await store.apply([{ kind: 'upsert_vertex', label: 'person', id: 'ghost', version: 1, properties: {}, edges: [] }])).toMatchObject({ stale: 1 });
      });
    });

    describe('when a batch holds many commands for several vertices', () => {
      it('applies each with its own guard', async () => {
        const store = await makeStore();
        const batch: GraphCommand[] = Array.from({ length: 30 }, (_, i) => ({
          kind: 'upsert_vertex', label: 'company', id: `c${i % 10}`, version: 1 + Math.floor(i / 10),
          properties: { n: i }, edges: [],
        }));
        expect(await store.apply(batch)).toMatchObject({ applied: 30, stale: 0 });
        const found = await store.get(Array.from({ length: 10 }, (_, i) => `c${i}`));
        expect([...found.values()].map((v) => v.version)).toEqual(Array(10).fill(3));
      });
    });

    describe('when purged', () => {
      it('drops old unreferenced tombstones and orphan placeholders, and keeps an old referenced tombstone as a placeholder', async () => {
        const store = await makeStore();
        await store.apply([
          account(1, 'p1'),
          tombstone('person', 'p1', 2),
          tombstone('person', 'lonely', 1),
        ]);
        await store.apply([{ ...account(2, 'p2') }, { ...account(3, 'p1'), id: 'acc2' }]);
        await store.purge({ olderThan: RECENTLY });
        const found = await store.get(['p1', 'p2', 'lonely', 'acc']);
        expect(found.has('lonely')).toBe(false);
        expect(found.get('p1')).toEqual({ label: 'person', id: 'p1', version: 0, deleted: false, properties: {}, edges: [] });
        expect(await store.sources('p1', 'OWNED_BY')).toEqual(['acc2']);
        expect(found.get('acc')).toMatchObject({ version: 2 });
      });

      it('keeps tombstones deleted at or after the cut-off, so they still stop older events', async () => {
        const store = await makeStore();
        await store.apply([
          account(1, 'young-owner'), { ...account(1, 'young-owner'), id: 'holder' },
          tombstone('person', 'young', 3, RECENTLY),
          tombstone('person', 'young-owner', 4, RECENTLY + DAY),
          tombstone('person', 'at-cut-off', 2, RECENTLY),
          tombstone('person', 'old', 2, RECENTLY - 1),
        ]);
        await store.purge({ olderThan: RECENTLY });
        const found = await store.get(['young', 'young-owner', 'at-cut-off', 'old']);
        expect([...found.keys()].sort()).toEqual(['at-cut-off', 'young', 'young-owner']);
        expect(found.get('young-owner')).toMatchObject({ deleted: true, version: 4, deletedAt: RECENTLY + DAY });
        expect(await store.apply([{ kind: 'upsert_vertex', label: 'person', id: 'young', version: 2, properties: {}, edges: [] }])).toMatchObject({ applied: 0, stale: 1 });
        // The old one is forgotten: an older event for it applies again (docs/adr/0002).
        expect(await store.apply([{ kind: 'upsert_vertex', label: 'person', id: 'old', version: 1, properties: {}, edges: [] }])).toMatchObject({ applied: 1 });
      });
    });

    describe('when counted', () => {
      it('counts live vertices (placeholders too) and their owned edges, not tombstones', async () => {
        const store = await makeStore();
        const before = await store.count();
        await store.apply([account(1, 'p1'), tombstone('person', 'gone', 1)]);
        expect(await store.count()).toEqual({ vertices: before.vertices + 2, edges: before.edges + 1 });
      });
    });

    describe('when scanned page by page', () => {
      it('lists every id with its version exactly once across pages of at most `limit`, following opaque cursors', async () => {
        const store = await makeStore();
        await store.apply(Array.from({ length: 7 }, (_, i) => ({ kind: 'upsert_vertex' as const, label: 'company', id: `s${i}`, version: i + 1, properties: {}, edges: [] })));
        await store.apply([tombstone('company', 's7', 9)]);
        const seen: { id: string; version: number; deleted: boolean }[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await store.scan(3, after);
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...page.items.filter((i) => /^s\d$/.test(i.id)));
          after = page.next;
          pages++;
        } while (after !== undefined);
        expect(pages).toBeGreaterThanOrEqual(3);
        const expected = [...Array.from({ length: 7 }, (_, i) => ({ id: `s${i}`, version: i + 1, deleted: false })), { id: 's7', version: 9, deleted: true }];
        expect([...seen].sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected);
      });
    });
  });
}
