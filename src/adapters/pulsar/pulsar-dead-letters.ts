import { RefractError } from '../../domain/index.ts';
import type { DeadLetter, DeadLetters, OutgoingMessage, ReceivedMessage } from '../../ports/index.ts';
import { deadLetterFrom, deadLetterProperties, PAYLOAD_OMITTED, PROPERTIES_OMITTED } from './dead-letter-properties.ts';
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
  /** The broker's `webSocketMaxTextFrameSize` (default 8 MiB, as Refract's broker config sets it). */
  readonly maxFrameBytes?: number;
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
 * duplicated letter is harmless (re-drive converges). A letter too large to send whole goes
 * without its payload (`refract.payload_omitted` says how many bytes), so it never holds up its leg.
 */
export function createPulsarDeadLetters(config: PulsarDeadLettersConfig): DeadLetters {
  const where = { tenant: config.tenant ?? 'refract', namespace: config.namespace ?? 'banking' };
  const topicOf = (leg: string) => fullTopicName(where, (config.topicFor ?? deadLetterTopicFor)(leg));
  const transport = config.transport ?? createWebSocketTransport({
    webUrl: config.webUrl, ...(config.maxFrameBytes ? { maxFrameBytes: config.maxFrameBytes } : {}),
  });
  const admin = createPulsarAdmin(config.webUrl);
  const kept = new Set<string>();

  return {
    async send(letters: readonly DeadLetter[]) {
      if (!letters.length) return;
      for (const topic of new Set(letters.map((letter) => topicOf(letter.leg)))) {
        if (kept.has(topic)) continue;
        await ensureKeepingSubscription(admin, topic);
        kept.add(topic);
      }
      // A letter too large to send loses its payload, then its original properties: a dead
      // letter must never hold up its leg, and a resend of the same bytes would fail for ever.
      let pending = letters.map((letter) => ({ letter, slimmed: 0 }));
      const publisher = createPublisher(transport, { maxInFlight: 100, reconnect: DEFAULT_RECONNECT });
      try {
        while (pending.length) {
          const result = await publisher.publish(pending.map((p) => letterMessage(topicOf(p.letter.leg), p.letter, p.slimmed)));
          const failed = result.failed.map((failure) => ({ failure, entry: pending[failure.position] }));
          const stuck = failed.filter(({ failure, entry }) => !failure.tooLarge || !entry || entry.slimmed >= MOST_SLIMMED);
          if (stuck.length) {
            // Retryable: the runner holds the batch (and its acks) until the letters are durable.
            throw new RefractError('LOG.UNAVAILABLE', `${stuck.length} of ${letters.length} dead letters were not persisted: ${stuck[0]?.failure.reason ?? ''}`, { failed: stuck.length });
          }
          pending = failed.flatMap(({ entry }) => (entry ? [{ letter: entry.letter, slimmed: entry.slimmed + 1 }] : []));
        }
      } finally {
        await publisher.close();
      }
    },

    // No topic yet, no letters.
    depth: async (leg: string) => (await subscriptionBacklog(admin, topicOf(leg), DEAD_LETTER_SUBSCRIPTION)) ?? 0,

    async list(leg: string, limit: number) {
      const topic = topicOf(leg);
      const expected = Math.min(
        limit, MAX_LIST, (await subscriptionBacklog(admin, topic, DEAD_LETTER_SUBSCRIPTION)) ?? 0, // no topic, no letters
      );
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

const NO_BYTES = new Uint8Array(0);
const MAX_SLIM_KEY = 1_000;
const MOST_SLIMMED = 2;

/** A letter as a message: whole (0), without its payload (1), then without its original properties and with its key cut (2). */
function letterMessage(topic: string, letter: DeadLetter, slimmed: number): OutgoingMessage {
  if (slimmed === 0) return { topic, key: letter.key, payload: letter.payload, properties: deadLetterProperties(letter) };
  const omitted = { [PAYLOAD_OMITTED]: String(letter.payload.byteLength) };
  if (slimmed === 1) return { topic, key: letter.key, payload: NO_BYTES, properties: { ...deadLetterProperties(letter), ...omitted } };
  return {
    topic,
    key: letter.key.slice(0, MAX_SLIM_KEY),
    payload: NO_BYTES,
    properties: {
      ...deadLetterProperties({ ...letter, properties: {} }), ...omitted,
      [PROPERTIES_OMITTED]: String(Object.keys(letter.properties).length),
    },
  };
}
