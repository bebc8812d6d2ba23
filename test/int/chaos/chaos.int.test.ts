import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import type { EventLog, OutgoingMessage } from '../../../src/ports/index.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { expectedDocuments, expectedGraph } from '../../support/oracle.ts';
import { deadLetterCount, runnerConsumes, type RunNamespace } from '../../support/subscription-stats.ts';
import { chaosEvents } from './chaos-events.ts';
import { chaosPlan, describeAction } from './chaos-plan.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { differences } from '../../support/differences.ts';
import { startRunner, type RunnerProcess } from '../../support/runner-process.ts';
import { chaosSeed } from './seeded.ts';
import { ensureServersUp, launcherContext, restartServer } from './server-restart.ts';
import { graphState, vectorState } from '../../support/store-readback.ts';

/**
 * `refract run` as a process on the real servers, under chaos: a few thousand generated events
 * (deletes, producer duplicates, late older copies) published in waves while the runner is
 * killed with SIGKILL at random points and restarted, and each server is restarted once
 * through the launcher. A final `refract run --until-drained` must then leave both stores
 * equal to the independent oracle (a plain fold of the events), with no dead letters.
 *
 * It restarts the shared servers, so it runs alone and last (test/support/chaos-last.sequencer.ts)
 * and brings every server back. REFRACT_CHAOS_SEED=<seed> replays a run's events and the order
 * of its disruptions; the runner's output goes to the file the test prints, kept when it fails.
 */
const SEED = chaosSeed();
const ENTITIES = 1_500;
const KILLS = 4;
const FINAL_DRAIN_MS = 150_000;
const SERVERS = ['pulsar', 'janusgraph', 'opensearch'] as const;

const nonce = randomUUID().slice(0, 6);
const prefix = `chaos-${nonce}-`;
const where: RunNamespace = { webUrl: serviceEndpoints('pulsar').webUrl, tenant: 'chaos', namespace: `run-${nonce}` };
const { gremlinUrl } = serviceEndpoints('janusgraph');
const opensearchUrl = serviceEndpoints('opensearch').url;
const workDir = mkdtempSync(join(tmpdir(), `refract-chaos-${nonce}-`));
const logFile = join(workDir, 'runner.log');
const say = (message: string) => console.log(`chaos [seed ${SEED}]: ${message}`);
const runnerEnv = {
  REFRACT_PULSAR_URL: where.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
  REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl,
  // The in-flight journal must outlive each killed process, and be this run's alone.
  REFRACT_STATE_DIR: join(workDir, 'state'),
};
let runner: RunnerProcess | undefined;
/** The runner's output is kept when the test fails: its path is printed at the start. */
let converged = false;

afterAll(async () => {
  runner?.kill('SIGKILL');
  await runner?.exited;
  await ensureServersUp(SERVERS, say);
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  if (converged) rmSync(workDir, { recursive: true, force: true });
}, 300_000);

describe('refract run on the real servers', () => {
  describe('when the runner is killed at random points and every server restarts once', () => {
    it('ends, after a final run until drained, with both stores equal to the oracle and no dead letters', async () => {
      // Restarts go through the launcher: fail now, not mid-run, where a container runs a server.
      for (const name of SERVERS) launcherContext(name, say);
      say(`replay with REFRACT_CHAOS_SEED=${SEED}; runner output in ${logFile}`);
      const began = Date.now();
      const run = chaosEvents(SEED, ENTITIES, prefix);
      say(`${run.messages.length} messages: ${run.events.length} distinct events, ${run.duplicates} producer duplicates, ${run.lateCopies} late older copies, ${run.deletes} deletes`);
      await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });
      const log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `chaos-${nonce}` });
      const plan = chaosPlan(SEED, KILLS);
      const waves = split(run.messages, plan.length + 1);
      try {
        runner = startRunner(runnerEnv, logFile);
        for (const [i, action] of plan.entries()) {
          await publishAll(log, waves[i] ?? []);
          await consuming(runner);
          await sleep(action.afterMs);
          say(describeAction(action));
          if (action.kind === 'kill-runner') {
            const killed = runner;
            runner = undefined;
            killed.kill('SIGKILL');
            await killed.exited;
            runner = startRunner(runnerEnv, logFile);
          } else {
            await restartServer(action.server, action.how, say);
          }
        }
        await publishAll(log, waves.at(-1) ?? []);
      } finally {
        await log.close();
      }

      // Gently stop the last free-running runner (a graceful stop is part of what is tested), then drain.
      const last = runner;
      if (last) await consuming(last);
      runner = undefined;
      last?.kill('SIGTERM');
      const stopped = await last?.exited;
      expect(stopped, `the last runner should stop cleanly on SIGTERM\n${tail(logFile)}`).toEqual({ code: 0, signal: null });
      say('final refract run --until-drained');
      runner = startRunner(runnerEnv, logFile, true);
      const drained = await Promise.race([runner.exited, sleep(FINAL_DRAIN_MS).then(() => 'timed out' as const)]);
      expect(drained, `the final run should drain and exit 0\n${tail(logFile)}`).toEqual({ code: 0, signal: null });
      runner = undefined;

      const embedder = createHashingEmbedder();
      const graph = expectedGraph(run.events);
      const documents = expectedDocuments(run.events, embedder.modelId);
      const indices = { person: [] as string[], company: [] as string[] };
      for (const [id, doc] of documents) indices[doc.index as keyof typeof indices].push(id);
      const letters = { graph: await deadLetterCount(where, 'graph'), vector: await deadLetterCount(where, 'vector') };
      const storedGraph = await graphState(gremlinUrl, prefix, graph.keys());
      const storedDocuments = await vectorState(opensearchUrl, embedder.dimension, prefix, indices);
      say(`dead letters: ${JSON.stringify(letters)}`);
      expect(storedGraph, `graph differs from the oracle:\n${differences(graph, storedGraph).join('\n')}`).toEqual(graph);
      expect(storedDocuments, `vector documents differ from the oracle:\n${differences(documents, storedDocuments).join('\n')}`).toEqual(documents);
      expect(letters).toEqual({ graph: 0, vector: 0 });
      converged = true;
      say(`converged in ${((Date.now() - began) / 1000).toFixed(0)} s: ${graph.size} vertices, ${documents.size} documents`);
    }, 420_000);
  });
});

/** Publishes every message, publishing again what the log reports as not persisted (a restart may drop a few). */
async function publishAll(log: EventLog, messages: readonly OutgoingMessage[]): Promise<void> {
  let pending = messages;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const result = await log.publish(pending).catch((error: unknown) => ({
      persisted: 0, failed: pending.map((_, position) => ({ position, reason: String(error) })),
    }));
    if (result.failed.length > 0 && attempt >= 20) throw new Error(`publishing failed 20 times: ${result.failed[0]?.reason ?? ''}`);
    pending = result.failed.map((f) => pending[f.position]).filter((m): m is OutgoingMessage => m !== undefined);
    if (pending.length > 0) await sleep(1_000);
  }
}

/**
 * Waits (at most 60 s) until both legs of `current` consume, so a kill or a stop lands while it
 * works, not while it starts. A runner that exits by itself meanwhile (it should hold through
 * any outage) fails the test.
 */
async function consuming(current: RunnerProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const exited = await Promise.race([current.exited, sleep(0).then(() => undefined)]);
    if (exited) throw new Error(`the runner (pid ${current.pid}) exited by itself (code ${exited.code ?? '-'}, signal ${exited.signal ?? '-'})\n${tail(logFile)}`);
    if ((await runnerConsumes(where, 'refract-graph', current.pid)) && (await runnerConsumes(where, 'refract-vector', current.pid))) return;
    await sleep(250);
  }
  throw new Error(`the runner (pid ${current.pid}) did not start consuming within 60 s\n${tail(logFile)}`);
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no runner output)';
  }
}
