import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import type { OutgoingMessage } from '../../../src/ports/index.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { differences } from '../../support/differences.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { expectedDocuments, expectedGraph } from '../../support/oracle.ts';
import { messageOf, withPrefix } from '../../support/prefixed-events.ts';
import { startRunner, type RunnerProcess } from '../../support/runner-process.ts';
import { graphState, vectorState } from '../../support/store-readback.ts';
import { deadLetterCount, runnerConsumes, type RunNamespace } from '../../support/subscription-stats.ts';
import { outstanding } from './backlog.ts';
import { keyOrderViolations } from './key-order.ts';
import { receiptsIn, type Receipt } from './receipts.ts';

/**
 * Scaling out (ARCHITECTURE.md, "Scaling out"): three `refract run` processes share both legs'
 * Key_Shared subscriptions on the real servers; one is killed with SIGKILL while it holds
 * messages. The survivors must take its keys over without breaking per-key order (beyond the
 * redelivery Key_Shared makes of what the dead consumer had not acknowledged), and both stores
 * must end equal to the independent oracle, with no dead letters.
 *
 * Each key's events are published by rising version, so publish order is version order; each
 * process logs every message it receives at debug level, and the test reads those lines.
 */
const SEED = 7;
const ENTITIES = 500;
const PROCESSES = 3;
const VICTIM = 1;
/** Messages the victim must have received before it is killed: it dies holding work, not idle. */
const VICTIM_RECEIPTS = 150;
const LEGS = ['graph', 'vector'] as const;

const nonce = randomUUID().slice(0, 6);
const prefix = `scale-${nonce}-`;
const where: RunNamespace = { webUrl: serviceEndpoints('pulsar').webUrl, tenant: 'scale-out', namespace: `run-${nonce}` };
const { gremlinUrl } = serviceEndpoints('janusgraph');
const opensearchUrl = serviceEndpoints('opensearch').url;
const workDir = mkdtempSync(join(tmpdir(), `refract-scale-out-${nonce}-`));
const logOf = (i: number) => join(workDir, `runner-${i}.log`);
const envOf = (i: number) => ({
  REFRACT_PULSAR_URL: where.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
  REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl,
  REFRACT_LOG_LEVEL: 'debug',
  // Each process keeps its own in-flight journal, as separate machines would.
  REFRACT_STATE_DIR: join(workDir, `state-${i}`),
});
const say = (message: string) => console.log(`scale-out: ${message}`);
const runners: (RunnerProcess | undefined)[] = [];
let passed = false;

afterAll(async () => {
  for (const runner of runners) runner?.kill('SIGKILL');
  await Promise.all(runners.flatMap((r) => (r ? [r.exited] : [])));
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  if (passed) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('three refract run processes on shared Key_Shared subscriptions', () => {
  it('keep per-key order through a SIGKILL of one, and leave both stores equal to the oracle', async () => {
    const began = Date.now();
    say(`runner logs in ${workDir}`);
    const events = generateBankingEvents({
      seed: SEED, entities: ENTITIES, updatesPerEntity: 2, deleteShare: 0.1, duplicateShare: 0.05, textChangeShare: 0.3,
    }).flatMap((m) => (m.event ? [m.event] : []));
    const messages = events.map((e) => messageOf(withPrefix(e, prefix)));
    await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });

    // All three consume before anything is published: the keys are spread once, not moved mid-run.
    for (let i = 0; i < PROCESSES; i++) runners[i] = startRunner(envOf(i), logOf(i));
    await Promise.all(runners.map((r) => consuming(r!)));
    say(`${PROCESSES} runners consuming after ${seconds(began)}; publishing ${messages.length} messages`);

    const log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `scale-out-${nonce}` });
    let killedAt = 0;
    try {
      const cut = Math.floor(messages.length * 0.7);
      await publish(log.publish.bind(log), messages.slice(0, cut));
      await received(VICTIM, VICTIM_RECEIPTS);
      const victim = runners[VICTIM]!;
      runners[VICTIM] = undefined;
      killedAt = Date.now();
      victim.kill('SIGKILL');
      expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
      say(`killed runner ${VICTIM} after ${seconds(began)}, having received ${receiptsOf(VICTIM).length} messages`);
      await publish(log.publish.bind(log), messages.slice(cut));
    } finally {
      await log.close();
    }

    await drained();
    for (const [i, runner] of runners.entries()) {
      if (!runner) continue;
      runner.kill('SIGTERM');
      expect(await runner.exited, `runner ${i} should stop cleanly on SIGTERM\n${tail(i)}`).toEqual({ code: 0, signal: null });
      runners[i] = undefined;
    }
    say(`drained and stopped after ${seconds(began)}`);

    const receipts = Array.from({ length: PROCESSES }, (_, i) => receiptsOf(i)).flat();
    for (let i = 0; i < PROCESSES; i++) {
      for (const leg of LEGS) expect(receipts.some((r) => r.process === `runner-${i}` && r.leg === leg), `runner ${i} should have had a share of the ${leg} leg`).toBe(true);
    }
    const again = redelivered(receipts, `runner-${VICTIM}`);
    say(`${receipts.length} receipts; ${again} messages the killed runner had received went again to a survivor`);
    expect(keyOrderViolations(receipts, `runner-${VICTIM}`, killedAt)).toEqual([]);

    const embedder = createHashingEmbedder();
    const graph = expectedGraph(events);
    const documents = expectedDocuments(events, embedder.modelId);
    const indices = { person: [] as string[], company: [] as string[] };
    for (const [id, doc] of documents) indices[doc.index as keyof typeof indices].push(id);
    const storedGraph = await graphState(gremlinUrl, prefix, graph.keys());
    const storedDocuments = await vectorState(opensearchUrl, embedder.dimension, prefix, indices);
    expect(storedGraph, `graph differs from the oracle:\n${differences(graph, storedGraph).join('\n')}`).toEqual(graph);
    expect(storedDocuments, `vector documents differ from the oracle:\n${differences(documents, storedDocuments).join('\n')}`).toEqual(documents);
    expect({ graph: await deadLetterCount(where, 'graph'), vector: await deadLetterCount(where, 'vector') }).toEqual({ graph: 0, vector: 0 });
    passed = true;
    say(`converged in ${seconds(began)}: ${graph.size} vertices, ${documents.size} documents`);
  }, 300_000);
});

async function publish(
  send: (batch: readonly OutgoingMessage[]) => Promise<{ failed: readonly { reason: string }[] }>, messages: readonly OutgoingMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    const result = await send(messages.slice(i, i + 500));
    expect(result.failed.map((f) => f.reason)).toEqual([]);
  }
}

/** Waits (at most 60 s) until the runner consumes on both legs; one that exits meanwhile fails the test. */
async function consuming(runner: RunnerProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const exited = await Promise.race([runner.exited, sleep(0).then(() => undefined)]);
    if (exited) throw new Error(`runner pid ${runner.pid} exited by itself (code ${exited.code ?? '-'}, signal ${exited.signal ?? '-'})`);
    if ((await runnerConsumes(where, 'refract-graph', runner.pid)) && (await runnerConsumes(where, 'refract-vector', runner.pid))) return;
    await sleep(250);
  }
  throw new Error(`runner pid ${runner.pid} did not start consuming within 60 s`);
}

async function received(i: number, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (receiptsOf(i).length < count) {
    if (Date.now() > deadline) throw new Error(`runner ${i} received only ${receiptsOf(i).length} messages in 60 s\n${tail(i)}`);
    await sleep(100);
  }
}

/** Waits (at most 90 s) until neither subscription has anything unacknowledged. */
/**
 * Three runners writing into one JanusGraph conflict on shared vertices (BerkeleyJE locks under
 * SERIALIZABLE); a batch that keeps conflicting is retried, then written item by item, which on
 * a busy two-core machine can take minutes. Slow is not wrong here: the deadline is generous.
 */
async function drained(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const left = (await outstanding(where, 'refract-graph')) + (await outstanding(where, 'refract-vector'));
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} messages still unacknowledged after 180 s`);
    await sleep(500);
  }
}

const receiptsOf = (i: number): Receipt[] => (existsSync(logOf(i)) ? receiptsIn(logOf(i), `runner-${i}`) : []);

/** Receipts by a survivor of a (leg, key, version) the killed runner had received: Key_Shared's redeliveries. */
function redelivered(receipts: readonly Receipt[], killed: string): number {
  const held = new Set(receipts.filter((r) => r.process === killed).map((r) => `${r.leg} ${r.key} ${r.version}`));
  return receipts.filter((r) => r.process !== killed && held.has(`${r.leg} ${r.key} ${r.version}`)).length;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function tail(i: number): string {
  try {
    return readFileSync(logOf(i), 'utf8').split('\n').filter((l) => !l.includes('"message received"')).slice(-30).join('\n');
  } catch {
    return '(no runner output)';
  }
}
