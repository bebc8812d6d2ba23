import { describe, expect, it } from 'vitest';
import { createPulsarSubscription, MAX_TRACKED_DELIVERIES } from '../../../src/adapters/pulsar/pulsar-subscription.ts';
import type { ConsumerOptions } from '../../../src/adapters/pulsar/transport.ts';
import { fakeAdmin, fakeTransport } from './fake-transport.ts';

const options: ConsumerOptions = { subscription: 's', type: 'Key_Shared', consumerName: 'c', receiverQueueSize: 1000, negativeAckRedeliveryDelayMs: 1000 };
const reconnect = { initialDelayMs: 10, maxDelayMs: 10, giveUpAfterMs: 100, busyGraceMs: 0 };
const topics = [{ logical: 't', full: 'persistent://a/b/t' }];
const stats = '/admin/v2/persistent/a/b/t/stats';
const partitionedStats = '/admin/v2/persistent/a/b/t/partitioned-stats';
const backlogOf = (n: number) => ({ status: 200, body: { subscriptions: { s: { msgBacklog: n } } } });

describe('A Pulsar subscription\'s backlog', () => {
  describe('when the broker has no stats for a topic its consumer is connected to', () => {
    it('reports at least 1 (unknown), never 0: a drained run must not end early', async () => {
      const admin = fakeAdmin({});
      const sub = await createPulsarSubscription(fakeTransport().transport, admin, topics, options, reconnect);
      expect(await sub.backlog()).toBeGreaterThanOrEqual(1);
      expect(admin.asked).toEqual([`${stats}?getPreciseBacklog=true`, `${partitionedStats}?getPreciseBacklog=true`]);
      await sub.close();
    });
  });

  describe('when the topic is partitioned', () => {
    it('reads the sum over its partitions from partitioned-stats', async () => {
      const sub = await createPulsarSubscription(
        fakeTransport().transport, fakeAdmin({ [partitionedStats]: backlogOf(7) }), topics, options, reconnect,
      );
      expect(await sub.backlog()).toBe(7);
      await sub.close();
    });
  });

  describe('when the topic\'s stats say everything is acked', () => {
    it('reports 0', async () => {
      const sub = await createPulsarSubscription(
        fakeTransport().transport, fakeAdmin({ [stats]: backlogOf(0) }), topics, options, reconnect,
      );
      expect(await sub.backlog()).toBe(0);
      await sub.close();
    });
  });
});

describe('A Pulsar subscription\'s own delivery counts', () => {
  describe('when far more messages are delivered than acked', () => {
    it(`keeps counts for the ${MAX_TRACKED_DELIVERIES} most recently delivered messages only`, async () => {
      const fake = fakeTransport();
      const sub = await createPulsarSubscription(fake.transport, fakeAdmin({ [stats]: backlogOf(0) }), topics, options, reconnect);
      const consumer = fake.consumers[0];
      if (!consumer) throw new Error('no consumer opened');
      const deliver = async (ids: readonly string[]) => {
        for (const id of ids) consumer.push(id);
        return sub.receive(ids.length, 1_000);
      };
      await sub.nack(await deliver(['old', 'recent']));
      expect((await deliver(['recent'])).map((m) => m.redeliveryCount)).toEqual([1]); // counted by the adapter
      await deliver(Array.from({ length: MAX_TRACKED_DELIVERIES - 1 }, (_, i) => `m${i}`)); // never acked
      expect((await deliver(['recent', 'old'])).map((m) => m.redeliveryCount)).toEqual([2, 0]); // 'old' was forgotten
      await sub.close();
    });
  });
});
