import type { ServerAuth } from '../shared/server-auth.ts';
import { keepAlive, openWebSocket } from './ws-connect.ts';
import { wsConsumerSession } from './ws-consumer-session.ts';
import { wsProducerSession } from './ws-producer-session.ts';
import { topicPath } from './topic-names.ts';
import type { PulsarTransport } from './transport.ts';

export interface WebSocketTransportConfig {
  /** The broker's web service URL (http://host:8080); the WebSocket API lives on the same port. */
  readonly webUrl: string;
  readonly connectTimeoutMs?: number;
  /** Ping interval; a connection that misses a pong for this long is cut and reopened by its owner. */
  readonly keepAliveMs?: number;
  /**
   * The largest frame to send: the broker's `webSocketMaxTextFrameSize` (Pulsar's default is
   * 1 MiB; Refract's broker config sets 8 MiB, which fits a 5 MiB message as base64 with its
   * properties). A message whose frame is larger fails without being sent. Default 8 MiB; a
   * broker that proves its limit lower (a 1009 close) lowers it for the rest of the process.
   */
  readonly maxFrameBytes?: number;
  /** The token sent on each connection and the CA trusted for wss:// (docs/adr/0022). */
  readonly auth?: ServerAuth;
}

export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Pulsar's WebSocket API (`/ws/v2/producer|consumer/persistent/…`): JSON frames with base64
 * payloads, served by the broker itself. Chosen because no native client installs here
 * (docs/adr/0008). Parameters it must not get: `initialSequenceId` (see the ADR),
 * `maxRedeliverCount`/`deadLetterTopic` (the runner owns dead-letter policy) and
 * `ackTimeoutMillis` (a slow store write must not cause a redelivery).
 */
export function createWebSocketTransport(config: WebSocketTransportConfig): PulsarTransport {
  const base = config.webUrl.replace(/\/+$/, '').replace(/^http/, 'ws');
  const timeout = config.connectTimeoutMs ?? 10_000;
  const keepAliveMs = config.keepAliveMs ?? 15_000;
  let maxFrameBytes = config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const frameLimit = { get: () => maxFrameBytes, lower: (bytes: number) => (maxFrameBytes = Math.min(maxFrameBytes, bytes)) };
  return {
    openProducer(topic, options, onClose) {
      const query = new URLSearchParams(options.producerName ? { producerName: options.producerName } : {});
      return openWebSocket(`${base}/ws/v2/producer/${topicPath(topic)}?${query.toString()}`, topic, timeout, (open) => {
        keepAlive(open.socket, keepAliveMs);
        return wsProducerSession(open, topic, onClose, frameLimit);
      }, config.auth);
    },
    openConsumer(topic, options, handlers) {
      const query = new URLSearchParams({
        subscriptionType: options.type,
        // Where a new subscription starts: the log is the source of truth, so from the beginning.
        subscriptionInitialPosition: 'Earliest',
        receiverQueueSize: String(Math.min(1000, options.receiverQueueSize)),
        consumerName: options.consumerName,
        negativeAckRedeliveryDelay: String(options.negativeAckRedeliveryDelayMs),
      });
      const url = `${base}/ws/v2/consumer/${topicPath(topic)}/${encodeURIComponent(options.subscription)}?${query.toString()}`;
      return openWebSocket(url, topic, timeout, (open) => {
        keepAlive(open.socket, keepAliveMs);
        return wsConsumerSession(open, topic, handlers);
      }, config.auth);
    },
  };
}
