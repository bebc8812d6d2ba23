import type { ReceivedMessage, StoredDeadLetter, Subscription } from '../../ports/index.ts';
import { deadLetterFrom } from './dead-letter-properties.ts';
import { DEAD_LETTER_SUBSCRIPTION } from './dead-letter-topics.ts';
import type { PulsarAdmin } from './pulsar-admin.ts';
import { createPulsarSubscription } from './pulsar-subscription.ts';
import { DEFAULT_RECONNECT } from './reconnect.ts';
import { subscriptionBacklog } from './subscription-backlog.ts';
import type { PulsarTransport } from './transport.ts';

/** The WebSocket API lets a consumer hold at most this many unacked messages: a scan holds no more. */
export const MAX_HELD = 1000;
/** Long enough that a letter looked past does not come back while the scan is still reading. */
const LOOK_PAST_MS = 10 * 60_000;
const RECEIVE = 200;
const PROGRESS_EVERY = 500;

/** What a scan does with each letter: hold it (until acked or the scan's consumer closes), or look past it. */
export type ScanVerdict = 'hold' | 'pass';

export interface ScanSettings {
  readonly leg: string;
  readonly topic: string;
  /** Stop once this many letters are held. */
  readonly hold: number;
  /** Stop once this many letters were looked at. */
  readonly look: number;
  readonly judge: (letter: StoredDeadLetter) => ScanVerdict;
  /** Stop once no new letter came for this long. */
  readonly idleMs: number;
  readonly onScanned?: (scanned: number) => void;
}

export interface Scan {
  readonly held: readonly { readonly letter: StoredDeadLetter; readonly message: ReceivedMessage }[];
  readonly scanned: number;
  /** The consumer holding the held letters; absent when the backlog was empty. Closing it gives back all it did not ack. */
  readonly subscription?: Subscription;
}

/**
 * Reads a leg's dead-letter backlog through the keeping subscription without acking anything.
 * A letter it looks past is nacked with a long redelivery delay, which frees the consumer's
 * window for the next one, so a scan can read past the WebSocket API's 1,000 unacked messages;
 * it holds at most `MAX_HELD`. A scan ends when it has looked at as many letters as the backlog
 * had when it began (letters held elsewhere are not delivered, so then it ends when none came for
 * `idleMs`). The broker still counts looked-past letters as unacked by this consumer, so one scan
 * reads at most the broker's `maxUnackedMessagesPerConsumer` (50,000 by default).
 */
export async function scanDeadLetters(transport: PulsarTransport, admin: PulsarAdmin, settings: ScanSettings): Promise<Scan> {
  const backlog = (await subscriptionBacklog(admin, settings.topic, DEAD_LETTER_SUBSCRIPTION)) ?? 0; // no topic, no letters
  const hold = Math.min(settings.hold, MAX_HELD);
  if (backlog <= 0 || settings.look <= 0) return { held: [], scanned: 0 };
  const subscription = await createPulsarSubscription(transport, admin, [{ logical: settings.topic, full: settings.topic }], {
    subscription: DEAD_LETTER_SUBSCRIPTION,
    type: 'Shared',
    consumerName: `refract-dead-letters-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    receiverQueueSize: MAX_HELD,
    negativeAckRedeliveryDelayMs: LOOK_PAST_MS,
  }, DEFAULT_RECONNECT);
  const held: { letter: StoredDeadLetter; message: ReceivedMessage }[] = [];
  const seen = new Set<string>();
  let lastNew = Date.now();
  try {
    while (held.length < hold && seen.size < Math.min(backlog, settings.look) && Date.now() - lastNew < settings.idleMs) {
      const passed: ReceivedMessage[] = [];
      for (const message of await subscription.receive(RECEIVE, 100)) {
        const letter = deadLetterFrom(settings.leg, message);
        // One seen before came back (its delay ran out, or a reconnect): it was judged already.
        const fresh = !seen.has(letter.id) && held.length < hold && seen.size < settings.look;
        if (fresh) {
          seen.add(letter.id);
          lastNew = Date.now();
          if (seen.size % PROGRESS_EVERY === 0) settings.onScanned?.(seen.size);
        }
        if (fresh && settings.judge(letter) === 'hold') held.push({ letter, message });
        else passed.push(message);
      }
      if (passed.length) await subscription.nack(passed);
    }
  } catch (error) {
    await subscription.close();
    throw error;
  }
  settings.onScanned?.(seen.size);
  return { held, scanned: seen.size, subscription };
}
