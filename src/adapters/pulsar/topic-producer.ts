import pLimit from 'p-limit';
import { isRetryable } from '../../domain/index.ts';
import { openWithBackoff, type ReconnectPolicy } from './reconnect.ts';
import type { OutgoingFrame, ProducerSession, PulsarTransport, SendOutcome } from './transport.ts';

export interface TopicProducerOptions {
  readonly producerName?: string;
  /** Sends awaiting the broker's reply at once, per topic: the pipeline's depth. */
  readonly maxInFlight: number;
  readonly reconnect: ReconnectPolicy;
}

/** One topic's producer: a single connection, opened on first use and reopened after a drop. */
export interface TopicProducer {
  /** Outcome per frame, in the frames' order; throws only LOG.REFUSED (a refusal no retry fixes). */
  sendAll(frames: readonly OutgoingFrame[]): Promise<SendOutcome[]>;
  close(): Promise<void>;
}

/**
 * Pipelines sends over one connection with at most `maxInFlight` unanswered, never waiting for
 * one send before the next. When the connection drops, the sends it left unanswered are sent
 * again on a new one: the broker may already hold some of them, so a drop can duplicate
 * messages (the WebSocket API gives the client no sequence id that deduplication could use;
 * docs/adr/0008), and a resent message can land after later messages of its key. Version
 * guards make both harmless downstream (docs/adr/0002).
 */
export function createTopicProducer(transport: PulsarTransport, topic: string, options: TopicProducerOptions): TopicProducer {
  const limit = pLimit(options.maxInFlight);
  let session: Promise<ProducerSession> | undefined;
  let closed = false;
  // close() ends a reconnect in progress at once instead of waiting out the broker's absence.
  const stop = new AbortController();

  const connect = (): Promise<ProducerSession> => {
    if (session) return session;
    const opened: Promise<ProducerSession> = openWithBackoff(
      async () => {
        const live = await transport.openProducer(topic, options.producerName ? { producerName: options.producerName } : {}, () => {
          if (session === opened) session = undefined;
        });
        if (closed) await live.close(); // opened while close() ran: nobody will use or close it
        return live;
      },
      options.reconnect,
      stop.signal,
      `opening the producer of ${topic}`,
    );
    session = opened;
    opened.catch(() => {
      if (session === opened) session = undefined;
    });
    return opened;
  };

  return {
    async sendAll(frames) {
      const outcomes: SendOutcome[] = new Array<SendOutcome>(frames.length);
      let pending = frames.map((_, i) => i);
      const wasClosed = () => {
        for (const i of pending) outcomes[i] = { ok: false, reason: `producer for ${topic} was closed`, unavailable: true };
      };
      // Resending gives up after giveUpAfterMs without progress: the clock restarts whenever a
      // connection got replies, so a long publish that drops late still gets the whole budget,
      // while one that is cut before every reply (again and again) still ends.
      let progressAt = Date.now();
      while (pending.length) {
        if (closed) {
          wasClosed();
          break;
        }
        const connecting = connect();
        let live: ProducerSession;
        try {
          live = await connecting;
        } catch (error) {
          if (closed) {
            wasClosed();
            break;
          }
          if (!isRetryable(error)) throw error;
          const reason = error instanceof Error ? error.message : String(error);
          for (const i of pending) outcomes[i] = { ok: false, reason, unavailable: true };
          break;
        }
        const lost: number[] = [];
        let answered = 0;
        await Promise.all(pending.map((i) => limit(async () => {
          const frame = frames[i];
          if (!frame) return;
          try {
            outcomes[i] = await live.send(frame);
            answered++;
          } catch (error) {
            if (isRetryable(error)) lost.push(i);
            else outcomes[i] = { ok: false, reason: error instanceof Error ? error.message : String(error) };
          }
        })));
        if (answered) progressAt = Date.now();
        // Sends were lost, so this connection is gone even if its 'close' has not come yet:
        // never hand it out again (resending on it would fail at once, round after round).
        if (lost.length) {
          if (session === connecting) session = undefined;
          live.kill();
        }
        pending = lost.sort((a, b) => a - b);
        if (pending.length && Date.now() - progressAt > options.reconnect.giveUpAfterMs) {
          for (const i of pending) outcomes[i] = { ok: false, reason: `connection to Pulsar for ${topic} kept dropping; gave up resending`, unavailable: true };
          break;
        }
      }
      return outcomes;
    },
    async close() {
      closed = true;
      stop.abort();
      const current = session;
      session = undefined;
      if (current) await (await current.catch(() => undefined))?.close();
    },
  };
}
