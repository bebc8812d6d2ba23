import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countBuckets, purgeBuckets, scanBuckets } from '../../../src/adapters/janusgraph/bucket-traversals.ts';
import { BUCKETS } from '../../../src/adapters/janusgraph/graph-buckets.ts';
import { gremlin, GRAPHSON3_MIME_TYPE, type GraphTraversal } from '../../../src/adapters/janusgraph/gremlin-driver.ts';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import type { PagedRequest } from '../../../src/adapters/janusgraph/paged-graph-work.ts';
import { createMemoryGraphStore } from '../../../src/adapters/memory/memory-graph-store.ts';
import type { GraphCommand } from '../../../src/domain/index.ts';
import type { GraphStore, VersionEntry } from '../../../src/ports/index.ts';
import { graphSnapshot } from '../../support/snapshots.ts';
import { privateJanusGraph } from './private-janusgraph.ts';

/**
 * count, scan and purge page through bucket ranges (docs/adr/0010): on a graph of a few
 * thousand vertices, with a small per-request target, they issue many requests, none of which
 * reads more than about the target, and they answer what the in-memory reference answers.
 * On a private server: they work on the whole graph.
 */
const server = privateJanusGraph('janusgraph-paging-test');
const TARGET = 50;
/** Headroom over the target: a range is sized from the previous one, and buckets vary in size. */
const BOUND = 2 * TARGET;
const OLD = 1_000;
const YOUNG = 10_000;
const CUT_OFF = 5_000;

const requests: PagedRequest[] = [];
const memory = createMemoryGraphStore();
let janus: GraphStore;
let url = '';

/** Accounts owned by people (some only placeholders), tombstones old and young, referenced and not. */
function commands(): GraphCommand[] {
  const out: GraphCommand[] = [];
  for (let i = 0; i < 2_400; i++) {
    out.push({ kind: 'upsert_vertex', label: 'account', id: `a${i}`, version: 1, properties: { n: i }, edges: [{ label: 'OWNED_BY', to: { label: 'person', id: `p${i % 600}` }, properties: {} }] });
  }
  for (let i = 0; i < 300; i++) out.push({ kind: 'upsert_vertex', label: 'person', id: `p${i}`, version: 2, properties: { name: `P${i}` }, edges: [] });
  for (let i = 300; i < 400; i++) out.push({ kind: 'tombstone_vertex', label: 'person', id: `p${i}`, version: 3, deletedAt: i % 2 ? OLD : YOUNG });
  for (let i = 0; i < 200; i++) out.push({ kind: 'tombstone_vertex', label: 'account', id: `a${i}`, version: 2, deletedAt: i % 2 ? OLD : YOUNG });
  // Deleted, then created again: the (bucket, deleted) index entry must follow both changes.
  for (let i = 0; i < 50; i++) out.push({ kind: 'upsert_vertex', label: 'account', id: `a${i}`, version: 3, properties: { n: 10_000 + i }, edges: [] });
  for (let i = 0; i < 100; i++) out.push({ kind: 'tombstone_vertex', label: 'company', id: `ghost${i}`, version: 1, deletedAt: OLD });
  // Owners given up for another: orphan placeholders.
  for (let i = 0; i < 50; i++) {
    const owned = (owner: string, version: number): GraphCommand => ({ kind: 'upsert_vertex', label: 'account', id: `b${i}`, version, properties: {}, edges: [{ label: 'OWNED_BY', to: { label: 'person', id: owner }, properties: {} }] });
    out.push(owned(`q${i}`, 1), owned('p0', 2));
  }
  return out;
}

/** The paged requests `work` issued. */
async function issued<T>(work: () => Promise<T>): Promise<{ result: T; made: PagedRequest[] }> {
  requests.length = 0;
  const result = await work();
  return { result, made: [...requests] };
}

async function scanAll(store: GraphStore, limit: number): Promise<{ entries: VersionEntry[]; pages: number }> {
  const entries: VersionEntry[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.scan(limit, after);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    entries.push(...page.items);
    after = page.next;
    pages++;
  } while (after !== undefined);
  return { entries, pages };
}

const byId = (a: VersionEntry, b: VersionEntry) => a.id.localeCompare(b.id);

/** Each request read at most BOUND vertices, and together the requests covered every bucket once. */
function expectBounded(made: readonly PagedRequest[], operation: PagedRequest['operation']) {
  expect(made.every((r) => r.operation === operation)).toBe(true);
  expect(Math.max(...made.map((r) => r.vertices))).toBeLessThanOrEqual(BOUND);
  expect(made.map((r) => r.firstBucket)).toEqual([...made.map((r) => r.firstBucket)].sort((a, b) => a - b));
}

beforeAll(async () => {
  url = await server.start();
  janus = createJanusGraphStore({ url, verticesPerRequest: TARGET, onRequest: (r) => requests.push(r) });
  const all = commands();
  for (let i = 0; i < all.length; i += 250) {
    const batch = all.slice(i, i + 250);
    await Promise.all([janus.apply(batch), memory.apply(batch)]);
  }
});

afterAll(async () => {
  await janus.close();
  await server.stop();
});

describe('the JanusGraph store\u2019s whole-graph work', () => {
  describe('when counted', () => {
    it('answers what the reference answers, in many requests that each read a bounded range of buckets', async () => {
      const { result, made } = await issued(() => janus.count());
      expect(result).toEqual(await memory.count());
      expect(made.length).toBeGreaterThanOrEqual(Math.ceil(result.vertices / BOUND));
      expectBounded(made, 'count');
      expect(made.reduce((n, r) => n + r.buckets, 0)).toBe(BUCKETS);
      expect(made.reduce((n, r) => n + r.vertices, 0)).toBe(result.vertices);
    });
  });

  describe('when scanned', () => {
    it('lists every vertex exactly once with the reference\u2019s versions, each request reading a bounded range', async () => {
      const { result, made } = await issued(() => scanAll(janus, 150));
      const reference = await scanAll(memory, 150);
      expect(result.entries.length).toBe(reference.entries.length);
      expect([...result.entries].sort(byId)).toEqual([...reference.entries].sort(byId));
      expect(result.pages).toBeGreaterThanOrEqual(Math.ceil(reference.entries.length / 150));
      expectBounded(made, 'scan');
    });
  });

  describe('when purged', () => {
    it('purges what the reference purges, leaves the same graph, and each request reads a bounded range', async () => {
      const { result, made } = await issued(() => janus.purge({ olderThan: CUT_OFF }));
      expect(result).toBe(await memory.purge({ olderThan: CUT_OFF }));
      expect(result).toBeGreaterThan(100);
      expectBounded(made, 'purge');
      expect(made.reduce((n, r) => n + r.buckets, 0)).toBe(BUCKETS);
      expect(await graphSnapshot(janus, null)).toEqual(await graphSnapshot(memory, null));
      expect(await janus.count()).toEqual(await memory.count());
    });
  });

  describe('when the server profiles each paged traversal', () => {
    it('finds its vertices through a bucket index, never by scanning the graph', async () => {
      const connection = new gremlin.driver.DriverRemoteConnection(url, { mimeType: GRAPHSON3_MIME_TYPE, traversalSource: 'g' });
      const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
      // A profile reaches the JS driver as raw GraphSON (it has no reader for metrics): its text is enough.
      const profile = async (traversal: GraphTraversal) => JSON.stringify((await traversal.profile().next()).value);
      try {
        // purgeBuckets writes: a cut-off of 0 matches no tombstone, and no placeholder is orphaned any more.
        for (const traversal of [countBuckets(g, [1, 2, 3]), scanBuckets(g, [1, 2, 3], 10, { bucket: 1, id: 'a' }), purgeBuckets(g, [1, 2, 3], 0)]) {
          const text = await profile(traversal);
          expect(text).toMatch(/"index","byBucket(Deleted)?"/);
          expect(text).not.toMatch(/"fullscan","true"/);
        }
      } finally {
        await connection.close();
      }
    });
  });
});
