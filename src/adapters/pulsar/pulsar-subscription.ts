import { RefractError } from '../../domain/index.ts';
import type { LogReader, ReceivedMessage, Subscription } from '../../ports/index.ts';
import type { PulsarAdmin } from './pulsar-admin.ts';
import type { ReconnectPolicy } from './reconnect.ts';
import { deleteSubscription, lastMessagePosition, subscriptionBacklog, type LedgerPosition } from './subscription-backlog.ts';
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

  const close = async () => {
    closed = true;
    wake();
    await Promise.all(consumers.map((c) => c.close()));
    buffer.length = 0;
    outstanding.clear();
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
    close,
    async unsubscribe() {
      await close();
      await Promise.all(topics.map((t) => deleteSubscription(admin, t.full, options.subscription)));
    },
  };
}


interface ReadTopic {
  readonly full: string;
  end: LedgerPosition;
  /** Read to `end`: nothing at or below it is left. */
  done: boolean;
  /** Delivered past `end`, not acked: kept for an `extend` (bounded by the receiver queue). */
  readonly beyond: ReceivedMessage[];
}

/**
 * A read of whole topics on a subscription of its own (Exclusive, so each topic comes in log
 * order; new subscriptions start at the earliest message), up to each topic's last message id
 * when the read began, deleted again on close. A topic is read to its end once a message at or
 * past that id arrives, or once the subscription has nothing left on it (the end can name a
 * ledger with no entry, after which nothing older is to come).
 */
export async function createPulsarLogReader(
  transport: PulsarTransport, admin: PulsarAdmin, topics: readonly SubscriptionTopic[],
  options: ConsumerOptions, reconnect: ReconnectPolicy,
): Promise<LogReader> {
  const sub = await createPulsarSubscription(transport, admin, topics, { ...options, type: 'Exclusive' }, reconnect);
  const state = new Map<string, ReadTopic>();
  const extend = async () => {
    for (const t of topics) {
      const end = await lastMessagePosition(admin, t.full);
      const s = state.get(t.logical);
      if (s) Object.assign(s, { end, done: false });
      else state.set(t.logical, { full: t.full, end, done: false, beyond: [] });
    }
  };
  try {
    await extend();
  } catch (error) {
    await sub.unsubscribe();
    throw error;
  }
  const drained = async (s: ReadTopic) => (await subscriptionBacklog(admin, s.full, options.subscription)) === 0;
  return {
    async next(max) {
      for (;;) {
        const out: ReceivedMessage[] = [];
        for (const s of state.values()) {
          while (s.beyond[0] && out.length < max && compare(positionOf(s.beyond[0]), s.end) <= 0) out.push(...s.beyond.splice(0, 1));
          if (s.beyond[0] && compare(positionOf(s.beyond[0]), s.end) > 0) s.done = true;
        }
        if (out.length) {
          await sub.ack(out);
          return out;
        }
        if ([...state.values()].every((s) => s.done)) return [];
        const got = await sub.receive(max, 250);
        for (const m of got) {
          const s = state.get(m.topic);
          if (!s) continue;
          const at = positionOf(m);
          const order = compare(at, s.end);
          if (order > 0 || s.beyond.length) {
            // Behind messages already held back: it waits its turn there.
            s.beyond.push(m);
            if (order > 0) s.done = true;
          } else {
            out.push(m);
            if (order === 0 && at.batch < 0) s.done = true;
          }
        }
        await sub.ack(out);
        if (out.length) return out;
        if (!got.length) for (const s of state.values()) if (!s.done && await drained(s)) s.done = true;
      }
    },
    extend,
    close: async () => { await sub.unsubscribe(); },
  };
}

const compare = (a: LedgerPosition, b: LedgerPosition) => (a.ledger - b.ledger) || (a.entry - b.entry);

/** A delivered message's ledger, entry and batch index, from the protobuf `MessageIdData` its id encodes. */
function positionOf(message: ReceivedMessage): LedgerPosition & { batch: number } {
  const id = message.position.slice(message.position.lastIndexOf('@') + 1);
  const bytes = Buffer.from(id, 'base64');
  const found = { ledger: -1, entry: -1, batch: -1 };
  let i = 0;
  const varint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = bytes[i++];
      if (byte === undefined) throw new RefractError('LOG.REFUSED', `Pulsar message id ${id} on ${message.topic} cannot be read`, { topic: message.topic });
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  while (i < bytes.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 0) {
      const value = varint();
      const field = Math.floor(tag / 8);
      if (field === 1) found.ledger = value;
      else if (field === 2) found.entry = value;
      // A negative int32 is ten bytes of varint: anything past 2^31 is the default, -1.
      else if (field === 4) found.batch = value < 2 ** 31 ? value : -1;
    } else if (wire === 2) i += varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new RefractError('LOG.REFUSED', `Pulsar message id ${id} on ${message.topic} cannot be read`, { topic: message.topic });
  }
  if (found.ledger < 0 || found.entry < 0) throw new RefractError('LOG.REFUSED', `Pulsar message id ${id} on ${message.topic} names no ledger and entry`, { topic: message.topic });
  return found;
}
