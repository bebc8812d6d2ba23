import { setTimeout as sleep } from 'node:timers/promises';
import { openWithBackoff, type ReconnectPolicy } from './reconnect.ts';
import type { ConsumerOptions, ConsumerSession, IncomingMessage, PulsarTransport } from './transport.ts';

/** One topic's consumer on a subscription: one connection, reopened for as long as it is wanted. */
export interface TopicConsumer {
  readonly topic: string;
  /** Which connection is current; a message from an older one can no longer be acked. */
  generation(): number;
  connected(): boolean;
  /** Why reconnecting stopped for good (a refusal such as a deleted namespace); undefined while it is fine. */
  failure(): unknown;
  ack(messageId: string, generation: number): void;
  nack(messageId: string, generation: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface TopicConsumerHandlers {
  onMessage(message: IncomingMessage, generation: number): void;
  /** The connection of `generation` is gone: whatever it delivered and was not acked, the broker delivers again. */
  onDisconnect(generation: number, reason: string): void;
}

/**
 * Opens the first connection (failing fast with the broker's reason when refused), then keeps
 * one open: after a drop it reconnects with backoff, without limit, until closed. Nothing is
 * lost or skipped across a reconnect because the broker still holds every unacked message of
 * the subscription and hands them out again. After a session that failed (an unreadable
 * frame) it waits before reconnecting, longer each time in a row, so a broker that sends the
 * same bad frame again cannot turn reconnecting into a busy loop.
 */
export async function createTopicConsumer(
  transport: PulsarTransport, topic: string, options: ConsumerOptions, reconnect: ReconnectPolicy, handlers: TopicConsumerHandlers,
): Promise<TopicConsumer> {
  let generation = 0;
  let session: ConsumerSession | undefined;
  let closed = false;
  let failure: unknown;
  let failedInARow = 0;
  const stop = new AbortController();

  const open = async (): Promise<void> => {
    const mine = ++generation;
    const opened = await transport.openConsumer(topic, options, {
      onMessage: (message) => handlers.onMessage(message, mine),
      onClose: (reason, sessionFailure) => {
        if (session === opened) session = undefined;
        failedInARow = sessionFailure ? failedInARow + 1 : 0;
        handlers.onDisconnect(mine, reason);
        if (!closed) {
          reconnect.logger?.warn(`Pulsar consumer of ${topic} disconnected (${reason}); reconnecting`, { topic, reason, failedInARow });
          void resume();
        }
      },
    });
    if (closed) {
      await opened.close();
      return;
    }
    session = opened;
  };
  const resume = async () => {
    try {
      if (failedInARow) {
        await sleep(Math.min(reconnect.maxDelayMs, reconnect.initialDelayMs * 2 ** (failedInARow - 1)), undefined, { signal: stop.signal });
      }
      await openWithBackoff(open, { ...reconnect, giveUpAfterMs: Infinity, busyGraceMs: Infinity }, stop.signal, `reconnecting the consumer of ${topic}`);
      reconnect.logger?.info(`Pulsar consumer of ${topic} reconnected`, { topic });
    } catch (error) {
      // Only a refusal (the namespace or topic was deleted) or close() ends the retries.
      if (!closed) {
        failure = error;
        reconnect.logger?.error(`Pulsar consumer of ${topic} gave up reconnecting: ${error instanceof Error ? error.message : String(error)}`, { topic });
      }
    }
  };

  await openWithBackoff(open, reconnect, undefined, `opening the consumer of ${topic}`);
  return {
    topic,
    generation: () => generation,
    connected: () => session !== undefined,
    failure: () => failure,
    ack: (messageId, from) => from === generation && session?.ack(messageId),
    nack: (messageId, from) => from === generation && session?.nack(messageId),
    flush: () => session?.flush() ?? Promise.resolve(),
    async close() {
      closed = true;
      stop.abort();
      const current = session;
      session = undefined;
      if (current) {
        await current.flush();
        await current.close();
      }
    },
  };
}
