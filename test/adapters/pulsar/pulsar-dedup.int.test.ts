import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventLog, ReceivedMessage } from '../../../src/ports/index.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { bytes, chaosTransport, pulsarTestNamespace, waitFor } from './pulsar-test-setup.ts';

/**
 * What broker deduplication removes when Refract publishes over the WebSocket API, measured
 * rather than assumed (docs/adr/0008 records the figures). Deduplication keys on producer name
 * and sequence id; the WebSocket handler assigns sequence ids itself and ignores a client's.
 */
const { webUrl } = serviceEndpoints('pulsar');
let ns: Awaited<ReturnType<typeof pulsarTestNamespace>>;
beforeAll(async () => { ns = await pulsarTestNamespace(webUrl); });
afterAll(async () => { await ns.drop(); });

const events = (topic: string, n: number) => Array.from({ length: n }, (_, i) => {
  const eventId = randomUUID();
  return { topic, key: `k${i % 25}`, payload: bytes(`{"event_id":"${eventId}"}`), properties: { event_id: eventId, version: '1' } };
});

/** Everything on the topic: at least `atLeast`, then whatever else arrives within a second (duplicates). */
async function consumeEverything(log: EventLog, topic: string, atLeast: number): Promise<ReceivedMessage[]> {
  const sub = await log.subscribe({ topics: [topic], subscription: 'count' });
  const got: ReceivedMessage[] = [];
  let quietUntil = Date.now() + 60_000;
  while (Date.now() < quietUntil) {
    const batch = await sub.receive(500, 200);
    got.push(...batch);
    await sub.ack(batch); // the broker pushes at most receiverQueueSize unacked messages
    if (got.length >= atLeast && (batch.length || quietUntil - Date.now() > 1_000)) quietUntil = Date.now() + 1_000;
  }
  await sub.close();
  return got;
}

const report = (what: string, figures: Record<string, number>) =>
  process.stdout.write(`dedup measured: ${what}: ${JSON.stringify(figures)}\n`);

describe('Broker deduplication over the WebSocket API (measured)', () => {
  it('is enabled on the namespace that topics init creates', async () => {
    const answer = await fetch(`${webUrl}/admin/v2/namespaces/${ns.tenant}/${ns.namespace}/deduplication`);
    expect(await answer.json()).toBe(true);
  });

  describe('when a producer with the same name publishes the same messages again (a client resend after a restart)', () => {
    it('stores both copies: the broker drops none, so consumers absorb every duplicate', async () => {
      const topic = await ns.freshTopic('resend');
      const batch = events(topic, 200);
      const first = ns.log({ producerName: 'dedup-role' });
      expect((await first.publish(batch)).persisted).toBe(200);
      await first.close();
      const again = ns.log({ producerName: 'dedup-role' });
      expect((await again.publish(batch)).persisted).toBe(200);
      await again.close();

      const got = await consumeEverything(ns.log(), topic, 400);
      const distinct = new Set(got.map((m) => m.properties['event_id'])).size;
      const stats = (await (await fetch(`${webUrl}/admin/v2/persistent/${ns.tenant}/${ns.namespace}/${topic}/stats`)).json()) as { msgInCounter: number; deduplicationStatus: string };
      report('same producer name, same 200 messages sent twice', { sent: 400, stored: stats.msgInCounter, delivered: got.length, distinct, droppedByBroker: 400 - stats.msgInCounter });
      expect(stats.deduplicationStatus).toBe('Enabled');
      expect(distinct).toBe(200);
      // If a Pulsar upgrade starts dropping these, this fails: update docs/adr/0008.
      expect(stats.msgInCounter).toBe(400);
    });
  });

  describe('when the connection drops mid-publish and the unanswered sends are resent', () => {
    it('stores a second copy of every resent message the broker had already persisted', async () => {
      const topic = await ns.freshTopic('drop');
      const chaos = chaosTransport(webUrl);
      const log = ns.log({ producerName: 'dedup-drop', transport: chaos.transport, maxInFlight: 100 });
      // Cut once the broker has persisted sends whose receipts are still "on the wire".
      chaos.holdReceipts();
      const publishing = log.publish(events(topic, 2000));
      await waitFor(() => chaos.heldReceipts() >= 50);
      const persistedUnanswered = chaos.heldReceipts();
      expect(chaos.killProducers()).toBe(1);
      expect((await publishing).persisted).toBe(2000);

      const got = await consumeEverything(ns.log(), topic, 2000);
      const distinct = new Set(got.map((m) => m.properties['event_id'])).size;
      report('connection cut with sends persisted but unanswered, then resent', { published: 2000, persistedUnanswered, delivered: got.length, distinct, duplicates: got.length - distinct });
      expect(distinct).toBe(2000);
      expect(got.length - distinct).toBeGreaterThanOrEqual(persistedUnanswered); // resent, and not one dropped by the broker
    });
  });

  describe('when the broker moves the topic while a pipelined publish runs', () => {
    // The case deduplication exists for is the handler's own client resending after its broker
    // connection broke. A graceful unload is the nearest we can cause on a standalone broker; it
    // produced no duplicates with deduplication off either (4 × 10,000 messages, docs/adr/0008).
    // At-least-once is the promise; duplicates are counted and reported, not forbidden.
    it('persists and delivers every message: the handler\'s client rides through the move', async () => {
      const topic = await ns.freshTopic('unload');
      const log = ns.log({ producerName: 'dedup-unload' });
      await log.publish(events(topic, 10)); // the producer is connected
      const publishing = log.publish(events(topic, 5000));
      await new Promise((r) => setTimeout(r, 50));
      const unload = await fetch(`${webUrl}/admin/v2/persistent/${ns.tenant}/${ns.namespace}/${topic}/unload`, { method: 'PUT' });
      expect(unload.status).toBeLessThan(300);
      const result = await publishing;

      const got = await consumeEverything(ns.log(), topic, 5010);
      const distinct = new Set(got.map((m) => m.properties['event_id'])).size;
      report('topic unloaded during a pipelined publish of 5000', { persisted: result.persisted + 10, failed: result.failed.length, delivered: got.length, distinct, duplicates: got.length - distinct });
      expect(distinct).toBe(result.persisted + 10);
      expect(got.length).toBeGreaterThanOrEqual(distinct);
    });
  });
});
