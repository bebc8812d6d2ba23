/** A message to append; `key` is the entity_id so a key's messages stay ordered. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
}

/** A delivered message. `id` is opaque and only meaningful to the log that delivered it. */
export interface ReceivedMessage {
  /** This delivery, for ack and nack; a redelivered copy may carry another id. */
  readonly id: string;
  /**
   * Where the message sits on the log: the same at every delivery, in every process (Pulsar's
   * message id). The in-flight journal counts crashes by it (docs/adr/0012).
   */
  readonly position: string;
  readonly topic: string;
  readonly key: string;
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  /** How many times the log has delivered this message before (0 on first delivery). */
  readonly redeliveryCount: number;
  readonly publishTime: number;
}

/** Which messages the log made durable; the rest failed and may be published again. */
export interface PublishResult {
  readonly persisted: number;
  readonly failed: readonly { readonly position: number; readonly reason: string }[];
}

export type SubscriptionType = 'Exclusive' | 'Shared' | 'Failover' | 'Key_Shared';

export interface SubscribeOptions {
  readonly topics: readonly string[];
  readonly subscription: string;
  readonly type?: SubscriptionType;
  readonly consumerName?: string;
}

/**
 * One leg's view of the log: at-least-once delivery. Nothing is removed from the backlog
 * until it is acked; a closed subscription's unacked messages are delivered again.
 */
export interface Subscription {
  /** Up to `max` messages; waits at most `maxWaitMs` for the first one. */
  receive(max: number, maxWaitMs: number): Promise<ReceivedMessage[]>;
  ack(messages: readonly ReceivedMessage[]): Promise<void>;
  /** Give messages back for later redelivery (their redeliveryCount grows). */
  nack(messages: readonly ReceivedMessage[]): Promise<void>;
  /** Messages not yet acked by this subscription, across its topics. */
  backlog(): Promise<number>;
  close(): Promise<void>;
  /**
   * Closes this consumer and deletes the subscription from the log, with its position: a later
   * subscribe of the same name starts at the earliest message again. For subscriptions made for
   * one job (a rebuild, a read): a leg's own subscription must never be removed this way.
   * Optional only until every test double implements it.
   */
  unsubscribe(): Promise<void>;
}

export interface ReadOptions {
  readonly topics: readonly string[];
}

/**
 * A one-off read of whole topics, from the earliest message to the end each topic had when the
 * read began (or was last extended): what `reconcile` compares the stores with. At least once: a
 * message may come twice. Close it when done, also on error: that removes whatever the read kept
 * on the log.
 */
export interface LogReader {
  /** Up to `max` messages, each topic's in log order; [] once every topic is read to its end. */
  next(max: number): Promise<ReceivedMessage[]>;
  /** Moves each topic's end to where the log stands now, so `next` goes on with what was appended since. */
  extend(): Promise<void>;
  /** Ends the read and removes what it kept on the log (a temporary subscription, say). */
  close(): Promise<void>;
}

/** The source of truth: an append-only, keyed, topic-partitioned log. */
export interface EventLog {
  publish(messages: readonly OutgoingMessage[]): Promise<PublishResult>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads `topics` from the earliest message, page by page, leaving nothing behind on the log
   * once closed. Optional only until every test double implements it; both adapters do.
   */
  read(options: ReadOptions): Promise<LogReader>;
  close(): Promise<void>;
}
