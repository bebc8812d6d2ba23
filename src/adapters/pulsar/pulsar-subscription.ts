import type { ReceivedMessage, Subscription } from '../../ports/index.ts';
import type { PulsarAdmin } from './pulsar-admin.ts';
import type { ReconnectPolicy } from './reconnect.ts';
import { subscriptionBacklog } from './subscription-backlog.ts';
import { createWaitList } from './wait-list.ts';
import { createTopicConsumer, type TopicConsumer } from './topic-consumer.ts';
import type { ConsumerOptions, IncomingMessage, PulsarTransport } from './transport.ts';

export interface SubscriptionTopic {
  /** The name the caller used ('persons'); messages report it as their topic. */
  readonly logical: string;
  readonly full: string;
}

const BACKLOG_REUSE_MS = 250;
const LINGER_MS = 5;
/**
 * Delivery counts kept, least recently delivered dropped first. Acks remove theirs; this bounds
 * the rest (messages whose ack a reconnect dropped and that went to another consumer).
 */
export const MAX_TRACKED_DELIVERIES = 10_000;

interface Buffered {
  readonly consumer: number;
  readonly generation: number;
  readonly message: IncomingMessage;
}

/**
 * One leg's subscription over several topics: a consumer connection per topic, all feeding
 * one buffer that `receive` drains. Acks go out only when the runner calls `ack`, on the
 * connection that delivered the message. The broker reports redelivery counts only on Shared
 * and Key_Shared subscriptions, so this also counts deliveries of a message id itself and
 * reports the higher of the two.
 */
export async function createPulsarSubscription(
  transport: PulsarTransport, admin: PulsarAdmin, topics: readonly SubscriptionTopic[],
  options: ConsumerOptions, reconnect: ReconnectPolicy,
): Promise<Subscription> {
  const buffer: Buffered[] = [];
  const outstanding = new Map<string, Buffered>();
  const deliveries = new Map<string, number>();
  const waiting = createWaitList();
  let closed = false;
  let sequence = 0;
  let lastNonZero = { count: 0, at: 0 };
  const wake = () => waiting.wake();
  /** Resolves once `ready()` holds, the subscription closes, or `deadline` passes. */
  const until = (ready: () => boolean, deadline: number) => waiting.until(() => closed || ready(), deadline);
  const seenKey = (b: Buffered) => `${b.consumer}#${b.message.messageId}`;

  const consumers: TopicConsumer[] = [];
  try {
    for (const [index, topic] of topics.entries()) {
      consumers.push(await createTopicConsumer(transport, topic.full, options, reconnect, {
        onMessage(message, generation) {
          buffer.push({ consumer: index, generation, message });
          wake();
        },
        onDisconnect(generation) {
          // The broker redelivers what that connection held; buffered copies would only be duplicates.
          for (let i = buffer.length - 1; i >= 0; i--) {
            const b = buffer[i];
            if (b && b.consumer === index && b.generation === generation) buffer.splice(i, 1);
          }
        },
      }));
    }
  } catch (error) {
    await Promise.all(consumers.map((c) => c.close()));
    throw error;
  }

  const settle = async (messages: readonly ReceivedMessage[], how: 'ack' | 'nack') => {
    const touched = new Set<TopicConsumer>();
    for (const m of messages) {
      const held = outstanding.get(m.id);
      const consumer = held && consumers[held.consumer];
      if (!held || !consumer) continue;
      outstanding.delete(m.id);
      if (how === 'ack') deliveries.delete(seenKey(held));
      consumer[how](held.message.messageId, held.generation);
      touched.add(consumer);
    }
    await Promise.all([...touched].map((c) => c.flush()));
  };

  return {
    async receive(max, maxWaitMs) {
      const failed = consumers.find((c) => c.failure() !== undefined);
      if (failed) throw failed.failure();
      const deadline = Date.now() + Math.max(0, maxWaitMs);
      await until(() => buffer.length > 0, deadline);
      // The broker pushes messages one frame at a time: linger briefly so a batch can fill.
      await until(() => buffer.length >= max, Math.min(deadline, Date.now() + LINGER_MS));
      if (closed) return [];
      return buffer.splice(0, max).map((b): ReceivedMessage => {
        const topic = topics[b.consumer];
        const seen = deliveries.get(seenKey(b)) ?? 0;
        deliveries.delete(seenKey(b)); // to the back: most recently delivered
        deliveries.set(seenKey(b), seen + 1);
        if (deliveries.size > MAX_TRACKED_DELIVERIES) deliveries.delete(deliveries.keys().next().value ?? '');
        const id = `${topic?.full ?? ''}#${sequence++}`;
        outstanding.set(id, b);
        const { key, payload, properties, redeliveryCount, publishTime } = b.message;
        return {
          id, position: `${topic?.full ?? ''}@${b.message.messageId}`, topic: topic?.logical ?? '', key, payload, properties,
          redeliveryCount: Math.max(redeliveryCount, seen), publishTime,
        };
      });
    },
    ack: (messages) => settle(messages, 'ack'),
    nack: (messages) => settle(messages, 'nack'),
    async backlog() {
      const local = buffer.length + outstanding.size;
      // Not connected everywhere, or the admin API silent: unknown, so never report "drained".
      if (consumers.some((c) => !c.connected())) return Math.max(1, local);
      // A runner polls this while acks are still on their way; a recent non-zero figure is as good
      // as a fresh one and spares the admin API. A zero is never reused: it must be fresh.
      if (Date.now() - lastNonZero.at < BACKLOG_REUSE_MS) return Math.max(local, lastNonZero.count);
      try {
        const counts = await Promise.all(topics.map((t) => subscriptionBacklog(admin, t.full, options.subscription)));
        // A topic without stats while its consumer is connected: unknown, so not drained.
        if (counts.some((c) => c === undefined)) return Math.max(1, local);
        const total = counts.reduce<number>((a, b) => a + (b ?? 0), 0);
        if (total > 0) lastNonZero = { count: total, at: Date.now() };
        return Math.max(local, total);
      } catch {
        return Math.max(1, local);
      }
    },
    async close() {
      closed = true;
      wake();
      await Promise.all(consumers.map((c) => c.close()));
      buffer.length = 0;
      outstanding.clear();
    },
  };
}

