import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { DEFAULT_INDEX_PREFIX } from '../../../src/adapters/opensearch/index-names.ts';
import { createOpenSearchVectorStore } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import type { EntityEvent } from '../../../src/domain/index.ts';
import type { GraphStore, VectorStore } from '../../../src/ports/index.ts';
import { bankingApp } from '../../../src/projections/banking/banking.app.ts';
import { reconcile, repairDivergence, type ReconcileReport } from '../../../src/runtime/index.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { gremlinClient } from '../../support/gremlin-client.ts';
import { startRunner } from '../../support/runner-process.ts';
import { testRun } from '../../support/test-run.ts';

/**
 * `reconcile` on the real servers: the pipeline runs to convergence, then the read models are
 * changed behind Refract's back (a vertex dropped in JanusGraph, a document written at an older
 * version in OpenSearch, a tombstone removed); reconcile must find each, the repair re-drive
 * them, the runner apply them, and a second reconcile find nothing.
 */
const { nonce, prefix, where, gremlinUrl, opensearchUrl, workDir, logFile, env } = testRun('reconcile');

afterAll(async () => {
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

/** This run's part of the shared stores: other tests' ids are not on this run's log. */
const graphUnder = (store: GraphStore): GraphStore => ({
  ...store,
  scan: async (limit, after) => {
    const page = await store.scan(limit, after);
    return { ...page, items: page.items.filter((i) => i.id.startsWith(prefix)) };
  },
});
const vectorsUnder = (store: VectorStore): VectorStore => ({
  ...store,
  scan: async (index, limit, after) => {
    const page = await store.scan(index, limit, after);
    return { ...page, items: page.items.filter((i) => i.id.startsWith(prefix)) };
  },
});

async function runUntilDrained(): Promise<void> {
  const runner = startRunner(env, logFile, true);
  expect(await runner.exited, readFileSync(logFile, 'utf8').slice(-3000)).toEqual({ code: 0, signal: null });
}

const counts = (report: ReconcileReport, store: string) =>
  Object.fromEntries(Object.entries(report.legs.find((l) => l.store === store)?.counts ?? {}).filter(([c, n]) => n > 0 && c !== 'orphanPlaceholder'));
const sampleIds = (report: ReconcileReport, store: string, category: 'missing' | 'behind' | 'tombstoneMissing') =>
  report.legs.find((l) => l.store === store)?.samples[category].map((s) => s.id);

describe('reconcile on the real servers', () => {
  it('finds a dropped vertex, an older document and a removed tombstone; the repair re-drives them and a second reconcile is clean', async () => {
    const messages = generateBankingEvents({ seed: 21, entities: 60, deleteShare: 0.2, malformedShare: 0.05, idPrefix: prefix });
    const newest = new Map<string, EntityEvent>();
    for (const m of messages) {
      if (m.event && (newest.get(m.event.entity_id)?.version ?? 0) < m.event.version) newest.set(m.event.entity_id, m.event);
    }
    await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, topics: bankingApp.topics });
    const log = createPulsarEventLog({ ...where, producerName: `reconcile-${nonce}` });
    const janus = createJanusGraphStore({ url: gremlinUrl });
    const opensearch = createOpenSearchVectorStore({ node: opensearchUrl, dimension: createHashingEmbedder().dimension });
    const options = {
      log, app: bankingApp, graph: graphUnder(janus), vectors: vectorsUnder(opensearch),
      pageSize: 200, settle: { attempts: 3, delayMs: 1_000 },
    };
    try {
      const published = await log.publish(messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.payload, properties: {} })));
      expect(published.failed).toEqual([]);
      await runUntilDrained();

      const clean = await reconcile(options);
      expect(clean.legs.map((l) => [l.store, counts(clean, l.store)])).toEqual([['graph', {}], ['person', {}], ['company', {}]]);
      expect(clean.divergent).toBe(false);
      expect(clean.logEntities).toBe(newest.size);
      expect(clean.deadLetters.undecodable).toBeGreaterThan(0);

      // Behind Refract's back.
      const pick = (test: (e: EntityEvent) => boolean, what: string) => {
        const found = [...newest.values()].find(test);
        if (!found) throw new Error(`the generated events have no ${what}`);
        return found.entity_id;
      };
      const dropped = pick((e) => e.entity_type === 'transaction' && e.event_type !== 'delete', 'live transaction');
      const older = pick((e) => e.entity_type === 'person' && e.event_type !== 'delete' && e.version >= 2, 'person at version 2 or more');
      const unmarked = pick((e) => e.entity_type === 'transaction' && e.event_type === 'delete', 'deleted transaction');
      const { g, close } = gremlinClient(gremlinUrl);
      try {
        await g.V().has('entity_id', dropped).drop().iterate();
        await g.V().has('entity_id', unmarked).drop().iterate();
      } finally {
        await close();
      }
      await writeAtVersion(`${DEFAULT_INDEX_PREFIX}person`, older, 1);

      const found = await reconcile(options);
      expect(found.divergent).toBe(true);
      expect(counts(found, 'graph')).toEqual({ missing: 1, tombstoneMissing: 1 });
      expect(sampleIds(found, 'graph', 'missing')).toEqual([dropped]);
      expect(sampleIds(found, 'graph', 'tombstoneMissing')).toEqual([unmarked]);
      expect(counts(found, 'person')).toEqual({ behind: 1 });
      expect(sampleIds(found, 'person', 'behind')).toEqual([older]);

      const repair = await repairDivergence(options, found);
      expect(repair).toMatchObject({ republished: 3, notFound: 0 });
      await runUntilDrained();

      const again = await reconcile(options);
      expect(again.legs.map((l) => [l.store, counts(again, l.store)])).toEqual([['graph', {}], ['person', {}], ['company', {}]]);
      expect(again.divergent).toBe(false);
    } finally {
      await Promise.allSettled([log.close(), janus.close(), opensearch.close()]);
    }
  }, 300_000);
});

/**
 * Puts a document back at an older external version: OpenSearch remembers a deleted document's
 * version for `index.gc_deletes` (60 s), so it is set to 0 for the moment of the swap.
 */
async function writeAtVersion(index: string, id: string, version: number): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const current = await (await fetch(`${opensearchUrl}/${index}/_doc/${encodeURIComponent(id)}`)).json() as { _source: Record<string, unknown>; _index: string };
  const concrete = current._index;
  const setGc = (value: string | null) => fetch(`${opensearchUrl}/${concrete}/_settings`, { method: 'PUT', headers: json, body: JSON.stringify({ 'index.gc_deletes': value }) });
  await setGc('0ms');
  try {
    await fetch(`${opensearchUrl}/${concrete}/_doc/${encodeURIComponent(id)}`, { method: 'DELETE' });
    for (let attempt = 0; ; attempt++) {
      await sleep(1_000);
      await fetch(`${opensearchUrl}/${concrete}/_refresh`, { method: 'POST' });
      await fetch(`${opensearchUrl}/${concrete}/_flush?force=true`, { method: 'POST' });
      const put = await fetch(`${opensearchUrl}/${concrete}/_doc/${encodeURIComponent(id)}?version=${version}&version_type=external&refresh=true`, {
        method: 'PUT', headers: json, body: JSON.stringify({ ...current._source, version }),
      });
      if (put.ok) return;
      if (attempt >= 10) throw new Error(`OpenSearch would not take ${id} at version ${version}: ${put.status} ${await put.text()}`);
    }
  } finally {
    await setGc(null);
  }
}
