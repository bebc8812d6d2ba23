import type { RefractError } from '../../domain/index.ts';
import type { SubscriptionType } from '../../ports/index.ts';

/**
 * How the Pulsar adapter reaches a broker, one connection per topic and role. The WebSocket
 * API is the only transport today (no native client installs here); a binary-protocol
 * transport would implement the same two sessions, and nothing above this file would change.
 * Sessions do not reconnect: when one closes, its owner opens a new one.
 */
export interface PulsarTransport {
  /** Opens a producer; throws LOG.REFUSED (e.g. ProducerBusy) or LOG.UNAVAILABLE (retryable). */
  openProducer(topic: string, options: ProducerOptions, onClose: (reason: string) => void): Promise<ProducerSession>;
  /** Opens a consumer on a subscription; messages flow to `onMessage` until the session closes. */
  openConsumer(topic: string, options: ConsumerOptions, handlers: ConsumerHandlers): Promise<ConsumerSession>;
}

export interface ProducerOptions {
  /** Stable per publishing role, so broker deduplication can recognise the producer; absent = broker-assigned. */
  readonly producerName?: string;
}

export interface OutgoingFrame {
  readonly key: string;
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
}

export type SendOutcome =
  | { readonly ok: true; readonly messageId: string }
  /**
   * `unavailable`: the broker could not be reached, as opposed to a broker that answered no.
   * `tooLarge`: the message can never be sent as it is (over the transport's frame limit or
   * the broker's maxMessageSize); resending it unchanged is pointless.
   */
  | { readonly ok: false; readonly reason: string; readonly unavailable?: boolean; readonly tooLarge?: boolean };

export interface ProducerSession {
  /**
   * Sends one message without waiting for earlier ones (pipelined). Resolves with the broker's
   * verdict, or at once with `tooLarge` for a message too large to send (nothing is sent);
   * rejects with a retryable LOG.UNAVAILABLE if the connection goes first, in which case the
   * message may or may not have been persisted.
   */
  send(frame: OutgoingFrame): Promise<SendOutcome>;
  close(): Promise<void>;
  /** Drops the connection without a goodbye, as a crash or a network cut would (tests and chaos). */
  kill(): void;
}

export interface ConsumerOptions {
  readonly subscription: string;
  readonly type: SubscriptionType;
  readonly consumerName: string;
  /** Messages the broker may hand this consumer before it acks some (the WebSocket API caps it at 1000). */
  readonly receiverQueueSize: number;
  readonly negativeAckRedeliveryDelayMs: number;
}

export interface IncomingMessage {
  /** The broker's id, only meaningful to the session (or a later one on the same subscription). */
  readonly messageId: string;
  readonly key: string;
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  readonly redeliveryCount: number;
  readonly publishTime: number;
}

export interface ConsumerHandlers {
  onMessage(message: IncomingMessage): void;
  /**
   * The session is over. `failure` is set when the session itself gave up (the broker sent a
   * frame it cannot read), as opposed to a dropped connection: reconnecting at once could
   * meet the same frame again, so the owner waits first.
   */
  onClose(reason: string, failure?: RefractError): void;
}

export interface ConsumerSession {
  ack(messageId: string): void;
  nack(messageId: string): void;
  /** Resolves once every ack and nack handed over so far has left this process. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Drops the connection without a goodbye, as a crash or a network cut would (tests and chaos). */
  kill(): void;
}
