import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { createOpenSearchVectorStore } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateAppEvents } from '../../../src/adapters/synthetic/schema-arbitrary.ts';
import type { GeneratedMessage } from '../../../src/adapters/synthetic/generated-message.ts';
import { bankingApp } from '../../../src/projections/banking/banking.app.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../../support/embedded-pipeline.ts';
import { startRunner } from '../../support/runner-process.ts';
import { listedGraphStore } from '../../support/listed-stores.ts';
import { graphSnapshot, vectorSnapshot } from '../../support/snapshots.ts';
import { testRun } from '../../support/test-run.ts';

/**
 * `refract rebuild vector` on the real servers while a runner keeps applying new events: the
 * rebuild fills `<prefix>person-v2` and `<prefix>company-v2` beside the live `-v1` indices,
 * reusing their vectors, switches the aliases once reconcile finds the new generation equal to
 * the log, and a reader searching through the aliases the whole time never fails and never sees
 * fewer documents than before. At the end the aliases' documents equal an in-order run of every
 * event on the in-memory stores. Then `refract rebuild banking-graph` replays the graph in place,
 * and the graph equals the reference too.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const run = testRun('rebuild');
const { nonce, prefix, where, gremlinUrl, opensearchUrl, workDir } = run;
/** Indices of its own: a switch of this test's aliases moves nobody else's documents. */
const indexPrefix = prefix;
const INDICES = ['person', 'company'];
const env = {
  ...run.env, REFRACT_INDEX_PREFIX: indexPrefix,
  REFRACT_EVENT_LOG: 'pulsar', REFRACT_GRAPH: 'janusgraph', REFRACT_VECTORS: 'opensearch', REFRACT_EMBEDDER: 'hashing',
};

afterAll(async () => {
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix, indices: [] });
  await fetch(`${opensearchUrl}/${indexPrefix}*`, { method: 'DELETE' });
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('refract rebuild on the real servers', () => {
  it('switches to a new generation equal to the log while events flow, and no read through the alias fails or shrinks', async () => {
    const first = generateAppEvents(bankingApp, { seed: 21, entities: 160, updatesPerEntity: 2, deleteShare: 0.1, idPrefix: `${prefix}a-` });
    // Only creates and updates after the first batch, so the live document count never goes down.
    const second = generateAppEvents(bankingApp, { seed: 22, entities: 120, updatesPerEntity: 1, deleteShare: 0, idPrefix: `${prefix}b-` });
    await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, topics: bankingApp.topics });
    const log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `rebuild-${nonce}` });
    const runner = startRunner(env, join(workDir, 'runner.log'));
    const store = createOpenSearchVectorStore({ node: opensearchUrl, prefix: indexPrefix, dimension: 384, refresh: 'none' });
    try {
      await publish(log, first);
      await until(async () => (await backlog('refract-vector')) === 0 && (await backlog('refract-graph')) === 0, 120_000, 'the first batch to be applied');
      const before = await liveCount(store);
      expect(before).toBeGreaterThan(0);

      // A reader through the aliases for the whole rebuild.
      const reads: { ok: boolean; count: number; error?: string }[] = [];
      let reading = true;
      const reader = (async () => {
        while (reading) {
          try {
            reads.push({ ok: true, count: await liveCount(store) });
          } catch (error) {
            reads.push({ ok: false, count: -1, error: String(error) });
          }
          await sleep(50);
        }
      })();
      const publishing = (async () => {
        for (let at = 0; at < second.length; at += 40) {
          await publish(log, second.slice(at, at + 40));
          await sleep(150);
        }
      })();
      const rebuilt = await cli(['rebuild', 'vector'], join(workDir, 'rebuild.log'));
      await publishing;
      await until(async () => (await backlog('refract-vector')) === 0, 120_000, 'the second batch to be applied');
      await sleep(1_500); // one more refresh interval for the reader
      reading = false;
      await reader;

      expect(rebuilt.code, rebuilt.output.slice(-3000)).toBe(0);
      expect(rebuilt.output).toMatch(/vector rebuild of banking-vectors: done \(equal to the log/);
      expect(rebuilt.output).toMatch(/embeddings \d+ computed, [1-9]\d* reused/);
      for (const index of INDICES) expect(await aliasTarget(`${indexPrefix}${index}`)).toBe(`${indexPrefix}${index}-v2`);
      expect(reads.filter((r) => !r.ok)).toEqual([]);
      expect(reads.length).toBeGreaterThan(10);
      expect(Math.min(...reads.map((r) => r.count))).toBeGreaterThanOrEqual(before);

      const reference = embeddedParts();
      const events = [...first, ...second].flatMap((m) => (m.event ? [m.event] : []));
      await publishEvents(reference.log, [...events].sort((a, b) => a.version - b.version));
      await runBothLegs(reference, { batchSize: 1 });
      const readable = createOpenSearchVectorStore({ node: opensearchUrl, prefix: indexPrefix, dimension: 384 });
      try {
        expect(await vectorSnapshot(readable, INDICES)).toEqual(await vectorSnapshot(reference.vectors, INDICES));
      } finally {
        await readable.close();
      }
      // The rebuild's own subscription is gone: it holds no backlog on the log.
      expect(await subscriptions()).toEqual(['refract-graph', 'refract-vector']);

      // The graph leg is rebuilt in place (docs/adr/0018): it ends equal to the in-order reference too.
      const graphRebuilt = await cli(['rebuild', 'banking-graph'], join(workDir, 'rebuild-graph.log'));
      expect(graphRebuilt.code, graphRebuilt.output.slice(-3000)).toBe(0);
      expect(graphRebuilt.output).toMatch(/graph rebuild of banking-graph: done \(equal to the log/);
      const referenceGraph = await graphSnapshot(reference.graph);
      const janus = createJanusGraphStore({ url: gremlinUrl });
      try {
        expect(await graphSnapshot(listedGraphStore(janus, referenceGraph.keys()))).toEqual(referenceGraph);
      } finally {
        await janus.close();
      }
      expect(await subscriptions()).toEqual(['refract-graph', 'refract-vector']);
    } finally {
      runner.kill('SIGTERM');
      await runner.exited;
      await Promise.all([log.close(), store.close()]);
    }
  }, 420_000);
});

async function publish(log: ReturnType<typeof createPulsarEventLog>, messages: readonly GeneratedMessage[]) {
  const result = await log.publish(messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.payload, properties: {} })));
  expect(result.failed).toEqual([]);
}

async function liveCount(store: ReturnType<typeof createOpenSearchVectorStore>): Promise<number> {
  let total = 0;
  for (const index of INDICES) total += await store.count(index);
  return total;
}

async function topicStats(topic: string) {
  const res = await fetch(`${where.webUrl}/admin/v2/persistent/${where.tenant}/${where.namespace}/${topic}/stats`);
  if (!res.ok) throw new Error(`stats of ${topic}: HTTP ${res.status}`);
  return (await res.json()) as { subscriptions?: Record<string, { msgBacklog?: number }> };
}

async function backlog(subscription: string): Promise<number> {
  let total = 0;
  for (const topic of bankingApp.topics) total += (await topicStats(topic)).subscriptions?.[subscription]?.msgBacklog ?? Number.NaN;
  return total;
}

async function subscriptions(): Promise<string[]> {
  const names = new Set<string>();
  for (const topic of bankingApp.topics) for (const name of Object.keys((await topicStats(topic)).subscriptions ?? {})) names.add(name);
  return [...names].sort();
}

async function aliasTarget(alias: string): Promise<string | undefined> {
  const res = await fetch(`${opensearchUrl}/_alias/${alias}`);
  return Object.keys((await res.json()) as Record<string, unknown>)[0];
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

function cli(args: readonly string[], logFile: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', ...args], {
    cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => {
    writeFileSync(logFile, output);
    resolve({ code, output });
  }));
}
