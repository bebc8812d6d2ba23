import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { isRefractError } from '../../../src/domain/index.ts';
import { eventLogContract, receiveAll } from '../../contract/event-log.contract.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { backlogSettles, bytes, chaosTransport, pulsarTestNamespace } from './pulsar-test-setup.ts';

const { webUrl } = serviceEndpoints('pulsar');
let ns: Awaited<ReturnType<typeof pulsarTestNamespace>>;
beforeAll(async () => { ns = await pulsarTestNamespace(webUrl); });
afterAll(async () => { await ns.drop(); });

eventLogContract('pulsar', async () => ({ log: ns.log(), topic: await ns.freshTopic('contract') }));

const some = (topic: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ topic, key: `k${(from + i) % 5}`, payload: bytes(`m${from + i}`), properties: { n: String(from + i) } }));

describe('Pulsar event log', () => {
  describe('when 2,000 messages of 50 keys are published pipelined to two topics', () => {
    it('persists all of them and a Key_Shared subscription delivers each key in publish order', async () => {
      const [a, b] = [await ns.freshTopic('order'), await ns.freshTopic('order')];
      const log = ns.log();
      const sent = Array.from({ length: 2000 }, (_, i) => ({
        topic: i % 2 ? a : b, key: `k${i % 50}`, payload: bytes(`m${i}`), properties: { n: String(i) },
      }));
      expect(await log.publish(sent)).toEqual({ persisted: 2000, failed: [] });
      const sub = await log.subscribe({ topics: [a, b], subscription: 'order' });
      const got = await receiveAll(sub, 2000, 60_000);
      await sub.ack(got);
      expect(new Set(got.map((m) => m.properties['n'])).size).toBe(2000);
      for (let k = 0; k < 50; k++) {
        const order = got.filter((m) => m.key === `k${k}`).map((m) => Number(m.properties['n']));
        expect(order).toEqual([...order].sort((x, y) => x - y));
      }
      expect(got.every((m) => (m.topic === a || m.topic === b) && m.publishTime > 0)).toBe(true);
      await sub.close();
    });
  });

  describe('when the subscription is Exclusive (the broker reports no redelivery count there)', () => {
    it('still reports a nacked message as redelivered', async () => {
      const topic = await ns.freshTopic('exclusive');
      const log = ns.log({ negativeAckRedeliveryDelayMs: 100 });
      await log.publish([{ topic, key: 'k', payload: bytes('again'), properties: {} }]);
      const sub = await log.subscribe({ topics: [topic], subscription: 'exclusive', type: 'Exclusive' });
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const [m] = await receiveAll(sub, 1);
        counts.push(m?.redeliveryCount ?? -1);
        await sub.nack(m ? [m] : []);
      }
      expect(counts).toEqual([0, 1, 2]);
      await sub.close();
    });
  });

  describe('when another producer already holds the producer name on a topic', () => {
    it('refuses with LOG.REFUSED naming the topic and the broker\'s ProducerBusy', async () => {
      const topic = await ns.freshTopic('busy');
      const first = ns.log({ producerName: 'same-role' });
      await first.publish([{ topic, key: 'k', payload: bytes('one'), properties: {} }]);
      const second = ns.log({ producerName: 'same-role', reconnect: { busyGraceMs: 500 } });
      const error: unknown = await second.publish([{ topic, key: 'k', payload: bytes('two'), properties: {} }]).catch((e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('LOG.REFUSED');
      expect((error as Error).message).toMatch(new RegExp(`${topic}.*ProducerBusy`));
      expect(isRefractError(error) && error.retryable).toBe(false);
    });
  });

  describe('when the namespace does not exist', () => {
    it('refuses a subscription with the broker\'s reason', async () => {
      const log = createPulsarEventLog({ webUrl, tenant: 'refract-test', namespace: 'no-such-namespace' });
      const error: unknown = await log.subscribe({ topics: ['x'], subscription: 's' }).catch((e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('LOG.REFUSED');
      expect((error as Error).message).toMatch(/Namespace not found/);
      await log.close();
    });
  });

  describe('when nothing answers at the broker address', () => {
    it('fails with a retryable LOG.UNAVAILABLE once its reconnect budget is spent', async () => {
      const log = createPulsarEventLog({ webUrl: 'http://127.0.0.1:1', reconnect: { giveUpAfterMs: 300, initialDelayMs: 50 } });
      const error: unknown = await log.publish([{ topic: 'x', key: 'k', payload: bytes('x'), properties: {} }]).catch((e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('LOG.UNAVAILABLE');
      expect(isRefractError(error) && error.retryable).toBe(true);
      await log.close();
    });
  });

  describe('when a leg drains its subscription', () => {
    it('counts what it holds unacked, still counts a nacked message, and reaches 0 only once everything is acked', async () => {
      const topic = await ns.freshTopic('drain');
      const log = ns.log();
      await log.publish(some(topic, 30));
      const sub = await log.subscribe({ topics: [topic], subscription: 'drain' });
      const got = await receiveAll(sub, 30);
      expect(got).toHaveLength(30);
      expect(await sub.backlog()).toBeGreaterThanOrEqual(30);
      await sub.ack(got.slice(1));
      await sub.nack(got.slice(0, 1));
      // Until the nacked message is back (1 s) and acked, the leg is not drained, however often it asks.
      for (let i = 0; i < 6; i++) {
        expect(await sub.backlog()).toBeGreaterThanOrEqual(1);
        await new Promise((r) => setTimeout(r, 100));
      }
      const again = await receiveAll(sub, 1);
      expect(again.map((m) => m.properties['n'])).toEqual([got[0]?.properties['n']]);
      await sub.ack(again);
      expect(await backlogSettles(sub)).toBe(0);
      await sub.close();
    });
  });

  describe('when the topic is partitioned (its stats live under partitioned-stats)', () => {
    it('counts the messages the broker has not handed out yet, so a leg is never drained early', async () => {
      const topic = 'parted'; // made here, with two partitions
      const made = await fetch(`${webUrl}/admin/v2/persistent/${ns.tenant}/${ns.namespace}/${topic}/partitions`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: '2',
      });
      expect(made.status).toBeLessThan(300);
      const log = ns.log({ receiverQueueSize: 10 });
      expect((await log.publish(some(topic, 100))).persisted).toBe(100);
      const sub = await log.subscribe({ topics: [topic], subscription: 'parted' });
      const first = await receiveAll(sub, 10);
      await sub.ack(first);
      // At most a receiver queue's worth is on this side; the rest only the broker's stats know of.
      expect(await sub.backlog()).toBeGreaterThanOrEqual(100 - first.length);
      const seen = new Set(first.map((m) => m.properties['n']));
      const deadline = Date.now() + 60_000;
      while (seen.size < 100 && Date.now() < deadline) {
        const batch = await sub.receive(50, 200);
        for (const m of batch) seen.add(m.properties['n']);
        await sub.ack(batch);
      }
      expect(seen.size).toBe(100);
      expect(await backlogSettles(sub)).toBe(0);
      await sub.close();
    });
  });

  describe('when the broker refuses the producer of one topic in a batch', () => {
    it('persists the other topics and reports only the refused topic\'s messages as failed, with the broker\'s reason', async () => {
      const [held, free] = [await ns.freshTopic('held'), await ns.freshTopic('free')];
      await ns.log({ producerName: 'role-x' }).publish(some(held, 1));
      const second = ns.log({ producerName: 'role-x', reconnect: { busyGraceMs: 300 } });
      const result = await second.publish([...some(held, 1, 1), ...some(free, 2, 2)]);
      expect(result.persisted).toBe(2);
      expect(result.failed).toEqual([{ position: 0, reason: expect.stringMatching(new RegExp(`${held}.*ProducerBusy`)) as unknown, retryable: false }]);
    });
  });

  describe('when a message is too large for the WebSocket API', () => {
    const big = (topic: string, size: number) => ({ topic, key: 'big', payload: new Uint8Array(size).fill(7), properties: {} });

    it('fails that message alone, without sending it, and persists its neighbours', async () => {
      const topic = await ns.freshTopic('large');
      const started = Date.now();
      // 6.5 MB is 8.7 MB as base64: over the broker's 8 MiB frame limit.
      const result = await ns.log().publish([...some(topic, 1), big(topic, 6_500_000), ...some(topic, 1, 1)]);
      expect(result.persisted).toBe(2);
      expect(result.failed).toEqual([{ position: 1, reason: expect.stringMatching(/too large.*8388608/) as unknown, retryable: false, tooLarge: true }]);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('reports a message the frame holds but the broker\'s maxMessageSize (5 MiB) does not as failed, at once', async () => {
      const topic = await ns.freshTopic('large');
      const result = await ns.log().publish([big(topic, 5_500_000), ...some(topic, 1)]);
      expect(result.persisted).toBe(1);
      expect(result.failed).toEqual([{ position: 0, reason: expect.stringMatching(/exceeds 5242880/) as unknown, retryable: false, tooLarge: true }]);
    });

    it('learns a lower broker frame limit from the 1009 close, fails only the oversized message, and never sends such a frame again', async () => {
      const topic = await ns.freshTopic('large');
      const chaos = chaosTransport(webUrl, { maxFrameBytes: 16 * 1024 * 1024 }); // believes the broker takes 16 MiB
      const log = ns.log({ transport: chaos.transport });
      const started = Date.now();
      const result = await log.publish([...some(topic, 1), big(topic, 6_500_000), ...some(topic, 1, 1)]);
      expect(result.persisted).toBe(2);
      expect(result.failed).toEqual([{ position: 1, reason: expect.stringMatching(/limit is 8388608/) as unknown, retryable: false, tooLarge: true }]);
      expect(Date.now() - started).toBeLessThan(10_000);
      const opened = chaos.opened().producers;
      const again = await log.publish([big(topic, 6_500_000)]);
      expect(again.failed).toMatchObject([{ position: 0, tooLarge: true }]);
      expect(chaos.opened().producers).toBe(opened); // refused here: no connection was cut this time
    });
  });
});
