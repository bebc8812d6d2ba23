import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { RefractError } from '../../../src/domain/index.ts';
import type { PulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';
import type {
  ConsumerHandlers, ConsumerSession, IncomingMessage, OutgoingFrame, ProducerSession, PulsarTransport, SendOutcome,
} from '../../../src/adapters/pulsar/transport.ts';

export const unavailable = (why = 'connection refused') => new RefractError('LOG.UNAVAILABLE', `Pulsar did not answer: ${why}`, {});
export const refused = (topic: string, reason: string) => new RefractError('LOG.REFUSED', `Pulsar refused ${topic} (409): ${reason}`, { topic, status: 409, busy: true });

/**
 * A producer session in memory: `answer` decides each send ('hold': no answer until the
 * connection is cut; 'lost': fails at once as a write to a closing socket does, before its
 * close is reported); `cut` drops it as a network failure would.
 */
export class FakeProducer implements ProducerSession {
  readonly sent: OutgoingFrame[] = [];
  closed = false;
  private readonly unanswered = new Set<(e: unknown) => void>();
  constructor(private readonly answer: (frame: OutgoingFrame, n: number) => SendOutcome | 'hold' | 'lost', private readonly onClose: (reason: string) => void) {}

  send(frame: OutgoingFrame): Promise<SendOutcome> {
    if (this.closed) return Promise.reject(unavailable('closed'));
    this.sent.push(frame);
    const outcome = this.answer(frame, this.sent.length - 1);
    if (outcome === 'lost') return Promise.reject(unavailable('write after close'));
    if (outcome !== 'hold') return Promise.resolve(outcome);
    return new Promise((_, reject) => this.unanswered.add(reject));
  }
  /** The connection drops: every unanswered send fails as retryable. */
  cut(): void {
    if (this.closed) return;
    this.closed = true;
    for (const reject of this.unanswered) reject(unavailable('cut'));
    this.unanswered.clear();
    this.onClose('closed (1006)');
  }
  close(): Promise<void> {
    this.cut();
    return Promise.resolve();
  }
  kill(): void {
    this.cut();
  }
}

/** A consumer session in memory: the test pushes messages; acks and nacks are recorded. */
export class FakeConsumer implements ConsumerSession {
  readonly acked: string[] = [];
  readonly nacked: string[] = [];
  constructor(readonly handlers: ConsumerHandlers) {}
  push(messageId: string, redeliveryCount = 0): void {
    const message: IncomingMessage = { messageId, key: 'k', payload: new Uint8Array([1]), properties: {}, redeliveryCount, publishTime: 1 };
    this.handlers.onMessage(message);
  }
  ack(messageId: string): void {
    this.acked.push(messageId);
  }
  nack(messageId: string): void {
    this.nacked.push(messageId);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  kill(): void {
    this.handlers.onClose('closed (1006)');
  }
}

export interface FakeTransportScript {
  /**
   * Called for each producer connection attempt (n counts attempts per topic from 0): return how sends are answered, or throw to
   * refuse.
   */
  producer?: (topic: string, n: number) => Promise<(frame: OutgoingFrame, sent: number) => SendOutcome | 'hold' | 'lost'>;
}

export const ok = (): SendOutcome => ({ ok: true, messageId: 'id' });

/** A PulsarTransport without a broker, scripted per test. */
export function fakeTransport(script: FakeTransportScript = {}) {
  const producers: FakeProducer[] = [];
  const consumers: FakeConsumer[] = [];
  const attempts = new Map<string, number>();
  const transport: PulsarTransport = {
    async openProducer(topic, _options, onClose) {
      const n = attempts.get(topic) ?? 0;
      attempts.set(topic, n + 1);
      const answer = await (script.producer?.(topic, n) ?? Promise.resolve(ok));
      const session = new FakeProducer(answer, onClose);
      producers.push(session);
      return session;
    },
    openConsumer(_topic, _options, handlers) {
      const session = new FakeConsumer(handlers);
      consumers.push(session);
      return Promise.resolve(session);
    },
  };
  return { transport, producers, consumers, attempts: (topic: string) => attempts.get(topic) ?? 0 };
}

/** An admin API that answers every GET from `routes` (by path prefix), 404 otherwise. */
export function fakeAdmin(routes: Record<string, { status: number; body?: unknown }>): PulsarAdmin & { asked: string[] } {
  const asked: string[] = [];
  const request: PulsarAdmin['request'] = (_method, path) => {
    asked.push(path);
    const hit = Object.entries(routes).find(([prefix]) => path.startsWith(prefix));
    return Promise.resolve(hit ? { status: hit[1].status, body: hit[1].body } : { status: 404, body: { reason: 'Topic not found' } });
  };
  return {
    asked,
    request,
    async get(path) {
      return (await request('GET', path)).body;
    },
  };
}

/**
 * A WebSocket without a network, for the WebSocket sessions: `receive` delivers a frame from
 * the broker exactly as the socket emits one (a listener that throws throws into the caller),
 * `sent` holds what the session wrote, and a cut or close is reported one tick later, as ws does.
 */
export class FakeSocket extends EventEmitter {
  static readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  terminated = false;

  receive(text: string): void {
    this.emit('message', Buffer.from(text));
  }
  send(data: string | Buffer, options?: unknown, done?: (error?: Error) => void): void {
    this.sent.push(data.toString());
    const callback = typeof options === 'function' ? (options as (error?: Error) => void) : done;
    if (callback) setImmediate(callback);
  }
  terminate(): void {
    this.terminated = true;
    this.shut(1006);
  }
  close(code = 1000): void {
    this.shut(code);
  }
  ping(): void {}
  /** As the socket the sessions expect; the sessions use only what this class has. */
  asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
  private shut(code: number): void {
    if (this.readyState !== 1) return;
    this.readyState = 2;
    setImmediate(() => {
      this.readyState = 3;
      this.emit('close', code, Buffer.alloc(0));
    });
  }
}
