import { RefractError } from '../../domain/index.ts';
import type {
  DeadLetter, DeadLetters, DeadLetterSession, OutgoingMessage, ScanOptions, StoredDeadLetter, TakeOptions,
} from '../../ports/index.ts';
import { deadLetterProperties, PAYLOAD_OMITTED, PROPERTIES_OMITTED } from './dead-letter-properties.ts';
import { scanDeadLetters } from './dead-letter-scan.ts';
import { DEAD_LETTER_SUBSCRIPTION, deadLetterTopicFor, ensureKeepingSubscription } from './dead-letter-topics.ts';
import { createPublisher } from './publisher.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { createPulsarAdmin } from './pulsar-admin.ts';
import { DEFAULT_RECONNECT } from './reconnect.ts';
import { subscriptionBacklog } from './subscription-backlog.ts';
import { fullTopicName } from './topic-names.ts';
import type { PulsarTransport } from './transport.ts';
import { createWebSocketTransport } from './websocket-transport.ts';

export interface PulsarDeadLettersConfig {
  readonly webUrl: string;
  /** The token and CA for a secured broker (docs/adr/0022). */
  readonly auth?: ServerAuth;
  readonly tenant?: string;
  readonly namespace?: string;
  /** A leg's dead-letter topic (default `<leg>-dlq`). */
  readonly topicFor?: (leg: string) => string;
  /** How long a read of the backlog waits for the next letter the backlog promised (default 5 s). */
  readonly listTimeoutMs?: number;
  /** The broker's `webSocketMaxTextFrameSize` (default 8 MiB, as Refract's broker config sets it). */
  readonly maxFrameBytes?: number;
  readonly transport?: PulsarTransport;
}

/**
 * Dead letters on Pulsar: each leg's letters go to its own topic with the original payload
 * bytes and key, and the reason, error code, source topic and stack as properties. A durable
 * subscription (`refract-dead-letters`) keeps them until they are re-driven; `list` reads
 * that subscription's backlog through a consumer that never acks (dead-letter-scan.ts), so
 * listing changes nothing but the letters' redelivery counts, and `open` holds the letters it
 * takes on such a consumer until it acks the re-driven ones or closes. Letters are rare, so each `send` opens its producers and
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
    ...(config.auth ? { auth: config.auth } : {}),
  });
  const admin = createPulsarAdmin(config.webUrl, config.auth ? { auth: config.auth } : {});
  const kept = new Set<string>();
  const idleMs = config.listTimeoutMs ?? 5_000;

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

    async list(leg: string, limit: number, options: ScanOptions = {}) {
      const found: StoredDeadLetter[] = [];
      const scan = await scanDeadLetters(transport, admin, {
        leg, topic: topicOf(leg), hold: Infinity, look: limit, idleMs, judge: (letter) => { found.push(letter); return 'pass'; },
        ...(options.onScanned ? { onScanned: options.onScanned } : {}),
      });
      await scan.subscription?.close(); // never acked: the letters stay
      return found;
    },

    async open(leg: string, options: TakeOptions): Promise<DeadLetterSession> {
      const wanted = options.wanted ?? (() => true);
      const scan = await scanDeadLetters(transport, admin, {
        leg, topic: topicOf(leg), hold: options.limit, look: Infinity, idleMs, judge: (letter) => (wanted(letter) ? 'hold' : 'pass'),
        ...(options.onScanned ? { onScanned: options.onScanned } : {}),
      });
      const held = new Map(scan.held.map((h) => [h.letter.id, h.message]));
      return {
        letters: scan.held.map((h) => h.letter),
        scanned: scan.scanned,
        async remove(ids: readonly string[]) {
          const strangers = ids.filter((id) => !held.has(id));
          if (strangers.length) throw new Error(`not letters of this open session: ${strangers.join(', ')}`);
          const messages = ids.flatMap((id) => held.get(id) ?? []);
          for (const id of ids) held.delete(id);
          // Pulsar sends no receipt for an ack: resolves once the acks left this process.
          await scan.subscription?.ack(messages);
        },
        close: async () => {
          held.clear();
          await scan.subscription?.close();
        },
      };
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
