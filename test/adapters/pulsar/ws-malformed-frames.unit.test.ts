import { describe, expect, it } from 'vitest';
import { createTopicConsumer } from '../../../src/adapters/pulsar/topic-consumer.ts';
import { createTopicProducer } from '../../../src/adapters/pulsar/topic-producer.ts';
import type { ConsumerHandlers, IncomingMessage, OutgoingFrame, PulsarTransport, SendOutcome } from '../../../src/adapters/pulsar/transport.ts';
import { wsConsumerSession } from '../../../src/adapters/pulsar/ws-consumer-session.ts';
import { wsProducerSession } from '../../../src/adapters/pulsar/ws-producer-session.ts';
import { isRefractError } from '../../../src/domain/index.ts';
import { FakeSocket } from './fake-transport.ts';

const TOPIC = 'persistent://t/n/persons';
const noLimit = { get: () => Number.MAX_SAFE_INTEGER, lower: () => undefined };
const frame = (key: string): OutgoingFrame => ({ key, payload: new Uint8Array([1, 2]), properties: {} });
const tick = () => new Promise((resolve) => setImmediate(resolve));
const settle = (p: Promise<SendOutcome>) =>
  p.then(
    (o) => o,
    (e: unknown) => (isRefractError(e) ? { code: e.code, retryable: e.retryable, message: e.message } : { thrown: String(e) }),
  );
const delivered = (messageId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ messageId, payload: Buffer.from('{}').toString('base64'), key: 'k', properties: { a: 'b' }, redeliveryCount: 0, publishTime: '2026-01-01T00:00:00Z', ...extra });

function producerOn(socket: FakeSocket) {
  const closes: string[] = [];
  const session = wsProducerSession(
    { socket: socket.asWebSocket(), hold: () => undefined }, TOPIC, (reason) => closes.push(reason), noLimit,
  );
  return { session, closes };
}

function consumerOn(socket: FakeSocket) {
  const messages: IncomingMessage[] = [];
  const closes: string[] = [];
  wsConsumerSession({ socket: socket.asWebSocket(), hold: () => undefined }, TOPIC, {
    onMessage: (m) => messages.push(m), onClose: (r) => closes.push(r),
  });
  return { messages, closes };
}

describe('wsProducerSession', () => {
  describe.each([
    ['a frame that is not JSON', '<html>502 Bad Gateway</html>', /not JSON/],
    ['JSON that is not an object', '[1,2]', /not a JSON object/],
    ['a reply without the context that names its send', '{"result":"ok","messageId":"1:2:-1"}', /malformed context/],
    ['a reply whose result is not a string', '{"context":"0","result":42}', /malformed result/],
  ])('when the broker sends %s', (_what, text, problem) => {
    it('fails every unanswered send as retryable LOG.UNAVAILABLE naming the problem, and cuts the connection', async () => {
      const socket = new FakeSocket();
      const { session, closes } = producerOn(socket);
      const sends = [settle(session.send(frame('a'))), settle(session.send(frame('b')))];
      expect(() => socket.receive(text)).not.toThrow();
      for (const outcome of await Promise.all(sends)) {
        expect(outcome).toMatchObject({ code: 'LOG.UNAVAILABLE', retryable: true, message: expect.stringMatching(problem) as unknown });
        expect((outcome as { message: string }).message).toContain(TOPIC);
      }
      expect(socket.terminated).toBe(true);
      await tick();
      expect(closes).toEqual([expect.stringMatching(problem)]);
      expect(await settle(session.send(frame('c')))).toMatchObject({ code: 'LOG.UNAVAILABLE' });
    }, 5_000);
  });

  describe('when the broker answers a send properly', () => {
    it('still resolves it (the guard lets good replies through)', async () => {
      const socket = new FakeSocket();
      const { session } = producerOn(socket);
      const sending = session.send(frame('a'));
      socket.receive(JSON.stringify({ result: 'ok', messageId: '1:2:-1', context: '0' }));
      expect(await sending).toEqual({ ok: true, messageId: '1:2:-1' });
      expect(socket.terminated).toBe(false);
    });
  });
});

describe('wsConsumerSession', () => {
  describe.each([
    ['a frame that is not JSON', 'garbage{', /not JSON/],
    ['a message without its id', delivered('', { messageId: undefined }), /malformed messageId/],
    ['a payload that is not base64', delivered('m2', { payload: 'not base64!' }), /malformed payload/],
    ['properties that are not strings', delivered('m2', { properties: { n: 1 } }), /malformed properties/],
  ])('when the broker sends %s', (_what, text, problem) => {
    it('fails the session with a reason naming the problem, cuts the connection, and delivers nothing after it', async () => {
      const socket = new FakeSocket();
      const { messages, closes } = consumerOn(socket);
      socket.receive(delivered('m1'));
      expect(() => socket.receive(text)).not.toThrow();
      socket.receive(delivered('m3')); // already in the socket's buffer: dropped, the broker redelivers it
      expect(messages.map((m) => m.messageId)).toEqual(['m1']);
      expect(socket.terminated).toBe(true);
      await tick();
      expect(closes).toHaveLength(1);
      expect(closes[0]).toMatch(problem);
      expect(closes[0]).toContain(TOPIC);
    }, 5_000);
  });
});

/** A transport whose sessions are the real WebSocket sessions over fake sockets. */
function socketTransport() {
  const producers: FakeSocket[] = [];
  const consumers: FakeSocket[] = [];
  const transport: PulsarTransport = {
    openProducer(topic, _options, onClose) {
      const socket = new FakeSocket();
      producers.push(socket);
      return Promise.resolve(wsProducerSession({ socket: socket.asWebSocket(), hold: () => undefined }, topic, onClose, noLimit));
    },
    openConsumer(topic, _options, handlers: ConsumerHandlers) {
      const socket = new FakeSocket();
      consumers.push(socket);
      return Promise.resolve(wsConsumerSession({ socket: socket.asWebSocket(), hold: () => undefined }, topic, handlers));
    },
  };
  return { transport, producers, consumers };
}

const reconnect = { initialDelayMs: 5, maxDelayMs: 5, giveUpAfterMs: 2_000, busyGraceMs: 0 };

describe('a malformed frame and the reconnect logic', () => {
  describe('when a producer connection gets an unreadable reply', () => {
    it('resends the unanswered messages on a new connection, and every send ends persisted', async () => {
      const fake = socketTransport();
      const producer = createTopicProducer(fake.transport, TOPIC, { maxInFlight: 10, reconnect });
      const sending = producer.sendAll([frame('a'), frame('b')]);
      while (fake.producers[0]?.sent.length !== 2) await tick();
      fake.producers[0].receive('not json');
      while (fake.producers[1]?.sent.length !== 2) await tick();
      fake.producers[1].sent.forEach((sent) => {
        const { context } = JSON.parse(sent) as { context: string };
        fake.producers[1]?.receive(JSON.stringify({ result: 'ok', messageId: `id-${context}`, context }));
      });
      expect((await sending).map((o) => o.ok)).toEqual([true, true]);
      await producer.close();
    });
  });

  describe('when a consumer connection gets an unreadable frame', () => {
    it('reports the disconnect with the reason and reconnects, and messages flow again', async () => {
      const fake = socketTransport();
      const got: [string, number][] = [];
      const drops: string[] = [];
      const consumer = await createTopicConsumer(
        fake.transport, TOPIC, { subscription: 's', type: 'Key_Shared', consumerName: 'c', receiverQueueSize: 10, negativeAckRedeliveryDelayMs: 10 }, reconnect,
        { onMessage: (m, generation) => got.push([m.messageId, generation]), onDisconnect: (_generation, reason) => drops.push(reason) },
      );
      fake.consumers[0]?.receive('{"messageId": 7}');
      while (fake.consumers.length < 2 || !consumer.connected()) await tick();
      fake.consumers[1]?.receive(delivered('m1'));
      expect(drops).toEqual([expect.stringMatching(/malformed messageId/)]);
      expect(got).toEqual([['m1', 2]]);
      expect(consumer.failure()).toBeUndefined();
      await consumer.close();
    });
  });

  describe('when the broker keeps sending unreadable frames', () => {
    it('waits before each reconnect, longer each time in a row, and reconnects at once after a plain drop', async () => {
      const fake = socketTransport();
      const options = { subscription: 's', type: 'Key_Shared' as const, consumerName: 'c', receiverQueueSize: 10, negativeAckRedeliveryDelayMs: 10 };
      const consumer = await createTopicConsumer(fake.transport, TOPIC, options, { ...reconnect, initialDelayMs: 300, maxDelayMs: 5_000 }, {
        onMessage: () => undefined, onDisconnect: () => undefined,
      });
      const reopened = async (n: number) => {
        const from = Date.now();
        while (fake.consumers.length < n || !consumer.connected()) await new Promise((r) => setTimeout(r, 5));
        return Date.now() - from;
      };
      fake.consumers[0]?.receive('not json');
      expect(await reopened(2)).toBeGreaterThanOrEqual(290);
      fake.consumers[1]?.receive('not json');
      expect(await reopened(3)).toBeGreaterThanOrEqual(590);
      fake.consumers[2]?.close(1006); // a dropped connection, not a failed session
      expect(await reopened(4)).toBeLessThan(250);
      await consumer.close();
    });
  });
});
