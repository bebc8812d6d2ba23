import { randomUUID } from 'node:crypto';
import { dropNamespace } from '../../../src/adapters/pulsar/drop-namespace.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';
import { createPulsarEventLog, type PulsarEventLogConfig } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import type { ConsumerSession, ProducerSession, PulsarTransport, SendOutcome } from '../../../src/adapters/pulsar/transport.ts';
import { createWebSocketTransport, type WebSocketTransportConfig } from '../../../src/adapters/pulsar/websocket-transport.ts';
import { RefractError } from '../../../src/domain/index.ts';
import type { EventLog, Subscription } from '../../../src/ports/index.ts';

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

/**
 * The WebSocket transport with a hand on every connection it opened: cut them as a network
 * failure would. It counts the sends whose outcome the caller has not heard yet, and can hold
 * the broker's receipts back, as if they were still on the wire: cutting the connection then
 * loses them, exactly like a cut that comes after the broker persisted a message and before its
 * receipt arrived.
 */
export function chaosTransport(webUrl: string, config: Partial<WebSocketTransportConfig> = {}) {
  const inner = createWebSocketTransport({ webUrl, ...config });
  const producers: { session: ProducerSession; loseHeld: () => void }[] = [];
  const consumers: ConsumerSession[] = [];
  let unanswered = 0;
  let held = 0;
  let holding = false;
  const transport: PulsarTransport = {
    async openProducer(topic, options, onClose) {
      const session = await inner.openProducer(topic, options, onClose);
      const receipts: (() => void)[] = [];
      const send: ProducerSession['send'] = (frame) => {
        unanswered++;
        return new Promise<SendOutcome>((resolve, reject) => {
          session.send(frame).then((outcome) => {
            if (!holding) {
              unanswered--;
              resolve(outcome);
              return;
            }
            held++;
            receipts.push(() => reject(new RefractError('LOG.UNAVAILABLE', `connection to Pulsar for ${topic} lost before the broker answered: cut by the test`, { topic })));
          }, (error: unknown) => {
            unanswered--;
            reject(error instanceof Error ? error : new Error(String(error)));
          });
        });
      };
      const wrapped: ProducerSession = { ...session, send };
      producers.push({
        session: wrapped,
        loseHeld: () => {
          unanswered -= receipts.length;
          for (const lose of receipts.splice(0)) lose();
        },
      });
      return wrapped;
    },
    async openConsumer(topic, options, handlers) {
      const session = await inner.openConsumer(topic, options, handlers);
      consumers.push(session);
      return session;
    },
  };
  return {
    transport,
    /** Cuts every open producer connection (receipts held back are lost with it); returns how many. */
    killProducers: () => {
      holding = false;
      return producers.splice(0).map((p) => {
        p.session.kill();
        p.loseHeld();
      }).length;
    },
    /** Cuts every open consumer connection; returns how many. */
    killConsumers: () => consumers.splice(0).map((s) => s.kill()).length,
    opened: () => ({ producers: producers.length, consumers: consumers.length }),
    /** Sends whose outcome the caller has not heard yet. */
    unanswered: () => unanswered,
    /** From now until the next cut, keep the broker's receipts from the caller. */
    holdReceipts: () => {
      holding = true;
    },
    /** Receipts held back so far (each one a message the broker persisted). */
    heldReceipts: () => held,
  };
}

/** Polls until `done()` holds (at most `timeoutMs`). */
export async function waitFor(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const bytes = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** The broker's backlog figure lags acks: poll until it reaches 0 (or 10 s pass) and return the last value. */
export async function backlogSettles(sub: Subscription): Promise<number> {
  let backlog = await sub.backlog();
  for (let i = 0; i < 40 && backlog > 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    backlog = await sub.backlog();
  }
  return backlog;
}
