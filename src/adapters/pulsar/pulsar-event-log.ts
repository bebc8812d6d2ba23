import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { EventLog, Logger, Subscription } from '../../ports/index.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { createPublisher } from './publisher.ts';
import { createPulsarAdmin } from './pulsar-admin.ts';
import { createPulsarLogReader, createPulsarSubscription } from './pulsar-subscription.ts';
import { DEFAULT_RECONNECT, type ReconnectPolicy } from './reconnect.ts';
import { fullTopicName } from './topic-names.ts';
import type { PulsarTransport } from './transport.ts';
import { createWebSocketTransport } from './websocket-transport.ts';

export interface PulsarEventLogConfig {
  /** The broker's web service URL (admin REST and WebSocket API), e.g. http://127.0.0.1:8080. */
  readonly webUrl: string;
  /** The token and CA for a secured broker (docs/adr/0022). */
  readonly auth?: ServerAuth;
  readonly tenant?: string;
  readonly namespace?: string;
  /**
   * The producer name, stable per publishing role (e.g. 'refract-demo-publisher'): broker
   * deduplication keys on it, and the broker refuses a second producer with the same name on a
   * topic, so two processes publishing at once need two names.
   */
  readonly producerName?: string;
  /** Unanswered sends per topic (default 1000). */
  readonly maxInFlight?: number;
  /** Unacked messages the broker may push per topic connection (default 1000, the WebSocket API's cap). */
  readonly receiverQueueSize?: number;
  /** How soon a nacked message comes back (default 1000 ms; Pulsar's own default is a minute). */
  readonly negativeAckRedeliveryDelayMs?: number;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Where reconnects and their retries are logged. */
  readonly logger?: Logger;
  /** The broker's `webSocketMaxTextFrameSize` (default 8 MiB, as Refract's broker config sets it). */
  readonly maxFrameBytes?: number;
  /** Default: the WebSocket API on `webUrl`. */
  readonly transport?: PulsarTransport;
}

export const DEFAULT_PRODUCER_NAME = 'refract-publisher';

/**
 * The EventLog on Apache Pulsar (docs/adr/0008): data over the WebSocket API, backlog from the
 * admin REST API. Logical topic names map to `persistent://tenant/namespace/<name>`; the
 * topology (`topics init`) must exist first. Subscriptions default to Key_Shared, so more
 * processes can share a leg while each key stays in order, and start at the earliest message.
 */
export function createPulsarEventLog(config: PulsarEventLogConfig): EventLog {
  const where = { tenant: config.tenant ?? 'refract', namespace: config.namespace ?? 'banking' };
  const transport = config.transport ?? createWebSocketTransport({
    webUrl: config.webUrl, ...(config.maxFrameBytes ? { maxFrameBytes: config.maxFrameBytes } : {}),
    ...(config.auth ? { auth: config.auth } : {}),
  });
  const admin = createPulsarAdmin(config.webUrl, config.auth ? { auth: config.auth } : {});
  const reconnect = { ...DEFAULT_RECONNECT, ...config.reconnect, ...(config.logger ? { logger: config.logger } : {}) };
  const publisher = createPublisher(transport, {
    producerName: config.producerName ?? DEFAULT_PRODUCER_NAME,
    maxInFlight: config.maxInFlight ?? 1000,
    reconnect,
  });
  const open = new Set<Pick<Subscription, 'close'>>();

  // Validated once per logical topic, not once per message.
  const fullNames = new Map<string, string>();
  const topicOf = (logical: string) => {
    let full = fullNames.get(logical);
    if (full === undefined) fullNames.set(logical, (full = fullTopicName(where, logical)));
    return full;
  };
  return {
    publish: (messages) => publisher.publish(messages.map((m) => ({ ...m, topic: topicOf(m.topic) }))),
    async subscribe(options) {
      const topics = options.topics.map((logical) => ({ logical, full: fullTopicName(where, logical) }));
      const subscription = await createPulsarSubscription(transport, admin, topics, {
        subscription: options.subscription,
        type: options.type ?? 'Key_Shared',
        consumerName: options.consumerName ?? `${options.subscription}-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
        receiverQueueSize: config.receiverQueueSize ?? 1000,
        negativeAckRedeliveryDelayMs: config.negativeAckRedeliveryDelayMs ?? 1000,
      }, reconnect);
      open.add(subscription);
      return {
        ...subscription,
        close: async () => {
          open.delete(subscription);
          await subscription.close();
        },
        unsubscribe: async () => {
          open.delete(subscription);
          await subscription.unsubscribe();
        },
      };
    },
    async read(options) {
      // A subscription of its own, named so an operator can tell what left it if the process died mid-read.
      const name = `refract-read-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
      const topics = options.topics.map((logical) => ({ logical, full: fullTopicName(where, logical) }));
      const reader = await createPulsarLogReader(transport, admin, topics, {
        subscription: name, type: 'Exclusive', consumerName: name,
        receiverQueueSize: config.receiverQueueSize ?? 1000,
        negativeAckRedeliveryDelayMs: config.negativeAckRedeliveryDelayMs ?? 1000,
      }, reconnect);
      const tracked = { close: () => reader.close() };
      open.add(tracked);
      return { ...reader, close: async () => { open.delete(tracked); await reader.close(); } };
    },
    async close() {
      await Promise.all([publisher.close(), ...[...open].map((s) => s.close())]);
      open.clear();
    },
  };
}
