/**
 * Events per second until drained, one `refract run --until-drained` process against two, on
 * real servers with the hashing embedder (the README's "Scaling out" figures come from it).
 * Rounds alternate which count goes first, so a busy machine weighs on both alike.
 *
 *   REFRACT_PULSAR_URL=… REFRACT_JANUSGRAPH_URL=… REFRACT_OPENSEARCH_URL=… \
 *     npx tsx test/int/scale-out/throughput.ts [rounds=3] [entities=1000]
 *
 * Each trial has a namespace and id prefix of its own (a fresh subscription, new entities,
 * nothing stale), publishes everything first, then starts the processes together. Its time
 * runs from the first process's "both legs running" line to the last exit: start-up of Node
 * is left out, subscribing and the drain check are in.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { messageOf, withPrefix } from '../../support/prefixed-events.ts';
import { startRunner } from '../../support/runner-process.ts';

const [rounds = 3, entities = 1000] = process.argv.slice(2).map(Number);
const need = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const webUrl = need('REFRACT_PULSAR_URL');
const gremlinUrl = need('REFRACT_JANUSGRAPH_URL');
const opensearchUrl = need('REFRACT_OPENSEARCH_URL');
const workDir = mkdtempSync(join(tmpdir(), 'refract-throughput-'));

async function trial(processes: number): Promise<{ messages: number; seconds: number }> {
  const nonce = randomUUID().slice(0, 6);
  const prefix = `tput-${nonce}-`;
  const where = { webUrl, tenant: 'measure', namespace: `run-${nonce}` };
  const messages = generateBankingEvents({ seed: 11, entities, updatesPerEntity: 2, duplicateShare: 0.02 })
    .flatMap((m) => (m.event ? [messageOf(withPrefix(m.event, prefix))] : []));
  await initTopology({ adminUrl: webUrl, tenant: where.tenant, namespace: where.namespace });
  const log = createPulsarEventLog({ webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `throughput-${nonce}` });
  try {
    for (let i = 0; i < messages.length; i += 500) {
      const result = await log.publish(messages.slice(i, i + 500));
      if (result.failed.length) throw new Error(`publish: ${result.failed[0]?.reason ?? ''}`);
    }
  } finally {
    await log.close();
  }
  const env = (i: number) => ({
    REFRACT_PULSAR_URL: webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
    REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl, REFRACT_STATE_DIR: join(workDir, nonce, `state-${i}`),
  });
  const logs = Array.from({ length: processes }, (_, i) => join(workDir, `${nonce}-${i}.log`));
  const runners = logs.map((file, i) => startRunner(env(i), file, true));
  const exits = await Promise.all(runners.map((r) => r.exited.then((e) => ({ ...e, at: Date.now() }))));
  try {
    if (exits.some((e) => e.code !== 0)) throw new Error(`a runner failed: ${JSON.stringify(exits)}; logs in ${workDir}`);
    const started = Math.min(...logs.map(runningSince));
    return { messages: messages.length, seconds: (Math.max(...exits.map((e) => e.at)) - started) / 1000 };
  } finally {
    await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  }
}

function runningSince(file: string): number {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"both legs running"'));
  if (!line) throw new Error(`no "both legs running" line in ${file}`);
  return (JSON.parse(line) as { time: number }).time;
}

const results: Record<number, number[]> = { 1: [], 2: [] };
for (let round = 0; round < rounds; round++) {
  for (const processes of round % 2 === 0 ? [1, 2] : [2, 1]) {
    const { messages, seconds } = await trial(processes);
    const rate = messages / seconds;
    results[processes]!.push(rate);
    console.log(`round ${round + 1}, ${processes} process(es): ${messages} messages in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} events/s`);
  }
}
for (const [processes, rates] of Object.entries(results)) {
  console.log(`${processes} process(es): ${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)} events/s over ${rates.length} runs`);
}
rmSync(workDir, { recursive: true, force: true });
