import { randomUUID } from 'node:crypto';
import { dropNamespace } from '../src/adapters/pulsar/drop-namespace.ts';
import { initTopology } from '../src/adapters/pulsar/init-topology.ts';
import { createPulsarAdmin } from '../src/adapters/pulsar/pulsar-admin.ts';
import { createPulsarEventLog } from '../src/adapters/pulsar/pulsar-event-log.ts';
import type { EventLog, OutgoingMessage } from '../src/ports/index.ts';
import type { Figure } from './report.ts';

const PIPELINED = 50_000;
const AWAITED_SECONDS = 3;

/** A 1 KB event: an EntityEvent-shaped JSON object padded to 1,024 bytes. */
function event(topic: string, i: number): OutgoingMessage {
  const head = `{"event_id":"${randomUUID()}","entity_type":"person","entity_id":"per-${i % 5000}","version":${i + 1},"payload":{"pad":"`;
  const payload = new TextEncoder().encode(`${head}${'x'.repeat(1024 - head.length - 3)}"}}`);
  return { topic, key: `per-${i % 5000}`, payload, properties: { event_id: String(i), entity_type: 'person', version: String(i + 1) } };
}

async function rate(count: number, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return count / ((performance.now() - started) / 1000);
}

/**
 * Pulsar over its WebSocket API, one run against the real broker, in a namespace of its own
 * that is deleted afterwards: publishing pipelined (up to 1,000 sends in flight on one
 * connection) against awaiting each send, and consuming with acks in batches of 1,000.
 */
export async function benchPulsar(webUrl: string): Promise<Figure[]> {
  const where = { tenant: 'refract-bench', namespace: `run-${randomUUID().slice(0, 8)}` };
  await initTopology({ adminUrl: webUrl, ...where, topics: ['awaited', 'pipelined', 'warm-up'], deadLetterTopics: [] });
  const log = createPulsarEventLog({ webUrl, ...where, producerName: 'refract-bench' });
  try {
    await log.publish(Array.from({ length: 2_000 }, (_, i) => event('warm-up', i))); // JIT, connections
    let awaitedCount = 0;
    const started = performance.now();
    while (performance.now() - started < AWAITED_SECONDS * 1000) await log.publish([event('awaited', awaitedCount++)]);
    const awaited = awaitedCount / ((performance.now() - started) / 1000);
    const pipelined = await rate(PIPELINED, async () => {
      for (let i = 0; i < PIPELINED; i += 5_000) {
        const result = await log.publish(Array.from({ length: 5_000 }, (_, j) => event('pipelined', i + j)));
        if (result.failed.length) throw new Error(`publish failed: ${result.failed[0]?.reason ?? ''}`);
      }
    });
    const consumed = await rate(PIPELINED, () => consumeAndAck(log, PIPELINED));
    return [
      {
        name: `publish 1 KB events, pipelined (${PIPELINED.toLocaleString('en')})`, value: pipelined, unit: 'events/s',
        baseline: awaited, baselineName: `awaiting each send (${awaitedCount.toLocaleString('en')})`, target: '≥ 20× awaiting each send',
      },
      { name: `consume and ack 1 KB events, Key_Shared, batches of 1,000`, value: consumed, unit: 'events/s', target: '≥ 5,000 events/s' },
    ];
  } finally {
    await log.close();
    await dropNamespace(createPulsarAdmin(webUrl), where.tenant, where.namespace);
  }
}

async function consumeAndAck(log: EventLog, expected: number): Promise<void> {
  const sub = await log.subscribe({ topics: ['pipelined'], subscription: 'bench' });
  let got = 0;
  const deadline = Date.now() + 60_000;
  while (got < expected) {
    if (Date.now() > deadline) throw new Error(`consumed only ${got} of ${expected} in 60 s`);
    const batch = await sub.receive(1_000, 1_000);
    got += batch.length;
    await sub.ack(batch);
  }
  await sub.close();
}
