import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { isRefractError } from '../../../src/domain/index.ts';
import { eventLogContract, receiveAll } from '../../contract/event-log.contract.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { bytes, pulsarTestNamespace } from './pulsar-test-setup.ts';

const { webUrl } = serviceEndpoints('pulsar');
let ns: Awaited<ReturnType<typeof pulsarTestNamespace>>;
beforeAll(async () => { ns = await pulsarTestNamespace(webUrl); });
afterAll(async () => { await ns.drop(); });

eventLogContract('pulsar', async () => ({ log: ns.log(), topic: await ns.freshTopic('contract') }));

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
});
