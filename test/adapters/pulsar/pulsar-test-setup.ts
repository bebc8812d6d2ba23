import { randomUUID } from 'node:crypto';
import { dropNamespace } from '../../../src/adapters/pulsar/drop-namespace.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';
import { createPulsarEventLog, type PulsarEventLogConfig } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import type { ProducerSession, ConsumerSession, PulsarTransport } from '../../../src/adapters/pulsar/transport.ts';
import { createWebSocketTransport } from '../../../src/adapters/pulsar/websocket-transport.ts';
import type { EventLog } from '../../../src/ports/index.ts';

export const TEST_TENANT = 'refract-test';

/**
 * A namespace of its own for one test file on the shared broker, created through the real
 * topology code and force-deleted at the end, with every log opened through it closed.
 */
export async function pulsarTestNamespace(webUrl: string, topics: readonly string[] = []) {
  const namespace = `it-${randomUUID().slice(0, 8)}`;
  await initTopology({ adminUrl: webUrl, tenant: TEST_TENANT, namespace, topics });
  const logs: EventLog[] = [];
  let topicCount = 0;
  return {
    tenant: TEST_TENANT,
    namespace,
    /** A topic no other test uses. */
    freshTopic: async (prefix = 't') => {
      const topic = `${prefix}-${++topicCount}`;
      await fetch(`${webUrl}/admin/v2/persistent/${TEST_TENANT}/${namespace}/${topic}`, { method: 'PUT' });
      return topic;
    },
    log(config: Partial<PulsarEventLogConfig> = {}): EventLog {
      const log = createPulsarEventLog({ webUrl, tenant: TEST_TENANT, namespace, ...config });
      logs.push(log);
      return log;
    },
    async drop() {
      await Promise.allSettled(logs.map((l) => l.close()));
      await dropNamespace(createPulsarAdmin(webUrl), TEST_TENANT, namespace);
    },
  };
}

/** The WebSocket transport with a hand on every connection it opened: cut them as a network failure would. */
export function chaosTransport(webUrl: string) {
  const inner = createWebSocketTransport({ webUrl });
  const producers: ProducerSession[] = [];
  const consumers: ConsumerSession[] = [];
  const transport: PulsarTransport = {
    async openProducer(topic, options, onClose) {
      const session = await inner.openProducer(topic, options, onClose);
      producers.push(session);
      return session;
    },
    async openConsumer(topic, options, handlers) {
      const session = await inner.openConsumer(topic, options, handlers);
      consumers.push(session);
      return session;
    },
  };
  return {
    transport,
    /** Cuts every open producer connection; returns how many. */
    killProducers: () => producers.splice(0).map((s) => s.kill()).length,
    /** Cuts every open consumer connection; returns how many. */
    killConsumers: () => consumers.splice(0).map((s) => s.kill()).length,
    opened: () => ({ producers: producers.length, consumers: consumers.length }),
  };
}

export const bytes = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);
