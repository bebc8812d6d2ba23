import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusgraph } from '../../../scripts/services/janusgraph.ts';
import { isSameProcess, readPidFile } from '../../../scripts/services/pid-file.ts';
import { startService } from '../../../scripts/services/run-service.ts';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { BANKING_GRAPH_SCHEMA } from '../../../src/adapters/janusgraph/graph-schema.ts';
import { initGraphSchema } from '../../../src/adapters/janusgraph/init-graph-schema.ts';
import { isRefractError, type GraphCommand } from '../../../src/domain/index.ts';
import type { GraphStore } from '../../../src/ports/index.ts';
import { privateJanusGraph } from './private-janusgraph.ts';

/**
 * Tests that need a JanusGraph of their own: killing the server, a schema that starts empty
 * (new keys, a key type clash), and purge (which works on the whole graph).
 */
const server = privateJanusGraph('janusgraph-own-test');
const { ctx } = server;
let url = '';
const opened: GraphStore[] = [];
const store = () => {
  const s = createJanusGraphStore({ url });
  opened.push(s);
  return s;
};

/** SIGKILL to the server's process group: no shutdown hook, no clean close of BerkeleyJE. */
async function killHard(): Promise<void> {
  const record = readPidFile(ctx.dir);
  if (!record) throw new Error('the private server has no pid file');
  process.kill(-record.pid, 'SIGKILL');
  while (isSameProcess(record)) await sleep(100);
}

beforeAll(async () => {
  url = await server.start();
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  await server.stop();
});

const upsert = (label: string, id: string, version: number, edges: [string, string, string][] = []): GraphCommand => ({
  kind: 'upsert_vertex', label, id, version, properties: { name: `${id} v${version}`, amount: version * 10, flag: version % 2 === 0 },
  edges: edges.map(([edgeLabel, toLabel, to]) => ({ label: edgeLabel, to: { label: toLabel, id: to }, properties: { since: version } })),
});
/** Deleted long ago: any purge with a present-day cut-off removes it. */
const tombstone = (label: string, id: string, version: number): GraphCommand => ({ kind: 'tombstone_vertex', label, id, version, deletedAt: 1_000 });

describe('the JanusGraph store on BerkeleyJE', () => {
  describe('when the server is killed and restarted', () => {
    it('still holds every committed write, tombstones and the schema included', async () => {
      const before = store();
      await before.apply([
        upsert('company', 'k-com', 2),
        upsert('person', 'k-per', 3, [['EMPLOYED_BY', 'company', 'k-com']]),
        upsert('account', 'k-acc', 4, [['OWNED_BY', 'person', 'k-per']]),
        upsert('transaction', 'k-tra', 1, [['FROM', 'account', 'k-acc'], ['TO', 'account', 'k-unseen']]),
        tombstone('person', 'k-gone', 7),
      ]);
      const ids = ['k-com', 'k-per', 'k-acc', 'k-tra', 'k-unseen', 'k-gone'];
      const written = await before.get(ids);
      const counted = await before.count();
      expect(written.size).toBe(ids.length);

      await killHard();
      const down: unknown = await before.apply([upsert('company', 'k-com', 3)]).catch((e: unknown) => e);
      expect(isRefractError(down) && { code: down.code, retryable: down.retryable }).toEqual({ code: 'STORE.UNAVAILABLE', retryable: true });
      await startService(janusgraph, ctx);

      // The store that saw the server die reconnects by itself, as the runner's retries expect.
      expect(await before.get(ids)).toEqual(written);
      const after = store();
      expect(await after.get(ids)).toEqual(written);
      expect(await after.count()).toEqual(counted);
      expect(await after.apply([upsert('person', 'k-gone', 6), upsert('account', 'k-acc', 4)])).toEqual({ applied: 0, stale: 2, rejected: [] });
      const schema = await initGraphSchema({ url });
      expect(schema).toMatchObject({ created: [], index: 'ENABLED' });
    });
  });

  describe('when the first value of a new payload key is a number without a fraction', () => {
    it('still takes fractions for that key later: numbers are always written as Double', async () => {
      const s = store(); // a fresh graph: the key does not exist yet, so its first value types it
      const tx = (id: string, value: number): GraphCommand => ({ kind: 'upsert_vertex', label: 'transaction', id, version: 1, properties: { r_number: value }, edges: [] });
      expect(await s.apply([tx('n-1', 100)])).toMatchObject({ applied: 1 });
      expect(await s.apply([tx('n-2', 12.5)])).toMatchObject({ applied: 1 });
      const found = await s.get(['n-1', 'n-2']);
      expect([found.get('n-1')?.properties['r_number'], found.get('n-2')?.properties['r_number']]).toEqual([100, 12.5]);
    });
  });

  describe('when a declared key already exists with another type', () => {
    it('refuses to change it, with a permanent error that names the key', async () => {
      const schema = (dataType: 'Long' | 'String') => ({ ...BANKING_GRAPH_SCHEMA, propertyKeys: [...BANKING_GRAPH_SCHEMA.propertyKeys, { name: 'r_typed', dataType }] });
      expect((await initGraphSchema({ url, schema: schema('Long') })).created).toEqual(['property key r_typed']);
      const error: unknown = await initGraphSchema({ url, schema: schema('String') }).catch((e: unknown) => e);
      expect(isRefractError(error) && { code: error.code, retryable: error.retryable }).toEqual({ code: 'STORE.REJECTED', retryable: false });
      expect((error as Error).message).toContain('property key r_typed exists as Long, not String');
    });
  });

  describe('when purged', () => {
    it('drops unreferenced tombstones and orphan placeholders, and keeps owners\' edges to a referenced tombstone', async () => {
      const s = store();
      await s.apply([
        upsert('account', 'p-a1', 1, [['OWNED_BY', 'person', 'p-owner']]), // p-owner: a placeholder still referenced
        upsert('account', 'p-a3', 1, [['OWNED_BY', 'person', 'p-orphan']]),
        upsert('account', 'p-a3', 2, [['OWNED_BY', 'person', 'p-owner']]), // p-orphan: nothing points at it any more
        tombstone('person', 'p-dead', 3), // unreferenced tombstone
        upsert('person', 'p-held', 1),
        upsert('account', 'p-a2', 1, [['OWNED_BY', 'person', 'p-held']]),
        tombstone('person', 'p-held', 2), // a tombstone that a live account still points at
      ]);
      await s.purge({ olderThan: Date.now() }); // the graph also holds the restart test's tombstone k-gone
      const found = await s.get(['p-a1', 'p-a2', 'p-a3', 'p-owner', 'p-orphan', 'p-dead', 'p-held', 'k-gone']);
      expect([...found.keys()].sort()).toEqual(['p-a1', 'p-a2', 'p-a3', 'p-held', 'p-owner']);
      expect(found.get('p-held')).toMatchObject({ version: 0, deleted: false, properties: {} });
      expect(await s.sources('p-held', 'OWNED_BY')).toEqual(['p-a2']);
      expect(await s.purge({ olderThan: Date.now() })).toBe(0);
      // Purged means forgotten: an older event for a purged tombstone applies again (docs/adr/0002).
      expect(await s.apply([upsert('person', 'p-dead', 1)])).toMatchObject({ applied: 1 });
    });
  });
});
