import { RefractError } from '../../domain/index.ts';
import type { DeadLetter, DeadLetters, ReceivedMessage } from '../../ports/index.ts';
import { deadLetterFrom, deadLetterProperties } from './dead-letter-properties.ts';
import { DEAD_LETTER_SUBSCRIPTION, deadLetterTopicFor, ensureKeepingSubscription } from './dead-letter-topics.ts';
import { createPublisher } from './publisher.ts';
import { createPulsarAdmin } from './pulsar-admin.ts';
import { createPulsarSubscription } from './pulsar-subscription.ts';
import { DEFAULT_RECONNECT } from './reconnect.ts';
import { subscriptionBacklog } from './subscription-backlog.ts';
import { fullTopicName } from './topic-names.ts';
import type { PulsarTransport } from './transport.ts';
import { createWebSocketTransport } from './websocket-transport.ts';

export interface PulsarDeadLettersConfig {
  readonly webUrl: string;
  readonly tenant?: string;
  readonly namespace?: string;
  /** A leg's dead-letter topic (default `<leg>-dlq`). */
  readonly topicFor?: (leg: string) => string;
  /** How long `list` waits for the letters the backlog promised (default 5 s). */
  readonly listTimeoutMs?: number;
  readonly transport?: PulsarTransport;
}

/** The WebSocket API lets a consumer hold at most this many unacked messages, so one list is capped there. */
const MAX_LIST = 1000;

/**
 * Dead letters on Pulsar: each leg's letters go to its own topic with the original payload
 * bytes and key, and the reason, error code, source topic and stack as properties. A durable
 * subscription (`refract-dead-letters`) keeps them until they are re-driven; `list` reads
 * that subscription's backlog through a consumer that never acks, so listing changes nothing
 * but the letters' redelivery counts. Letters are rare, so each `send` opens its producers and
 * closes them again: nothing lingers that would need closing (the port has no close). The
 * producer has no fixed name: several processes of one leg may dead-letter at once, and a
 * duplicated letter is harmless (re-drive converges).
 */
export function createPulsarDeadLetters(config: PulsarDeadLettersConfig): DeadLetters {
  const where = { tenant: config.tenant ?? 'refract', namespace: config.namespace ?? 'banking' };
  const topicOf = (leg: string) => fullTopicName(where, (config.topicFor ?? deadLetterTopicFor)(leg));
  const transport = config.transport ?? createWebSocketTransport({ webUrl: config.webUrl });
  const admin = createPulsarAdmin(config.webUrl);
  const kept = new Set<string>();

  return {
    async send(letters: readonly DeadLetter[]) {
      if (!letters.length) return;
      const messages = letters.map((letter) => ({
        topic: topicOf(letter.leg), key: letter.key, payload: letter.payload, properties: deadLetterProperties(letter),
      }));
      for (const topic of new Set(messages.map((m) => m.topic))) {
        if (kept.has(topic)) continue;
        await ensureKeepingSubscription(admin, topic);
        kept.add(topic);
      }
      const publisher = createPublisher(transport, { maxInFlight: 100, reconnect: DEFAULT_RECONNECT });
      const result = await publisher.publish(messages).finally(() => publisher.close());
      if (result.failed.length) {
        const first = result.failed[0]?.reason ?? '';
        // Retryable: the runner holds the batch (and its acks) until the letters are durable.
        throw new RefractError('LOG.UNAVAILABLE', `${result.failed.length} of ${letters.length} dead letters were not persisted: ${first}`, { failed: result.failed.length });
      }
    },

    async list(leg: string, limit: number) {
      const topic = topicOf(leg);
      const expected = Math.min(limit, MAX_LIST, await subscriptionBacklog(admin, topic, DEAD_LETTER_SUBSCRIPTION));
      if (expected <= 0) return [];
      const reader = await createPulsarSubscription(transport, admin, [{ logical: topic, full: topic }], {
        subscription: DEAD_LETTER_SUBSCRIPTION,
        type: 'Shared',
        consumerName: `refract-dead-letters-list-${process.pid}`,
        receiverQueueSize: expected,
        negativeAckRedeliveryDelayMs: 1000,
      }, DEFAULT_RECONNECT);
      const got: ReceivedMessage[] = [];
      const deadline = Date.now() + (config.listTimeoutMs ?? 5_000);
      try {
        while (got.length < expected && Date.now() < deadline) got.push(...(await reader.receive(expected - got.length, 200)));
      } finally {
        await reader.close(); // never acked: the letters stay
      }
      return got.map((m) => deadLetterFrom(leg, m));
    },
  };
}
