import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { openWebSocket } from '../../../src/adapters/pulsar/ws-connect.ts';
import { wsProducerSession, type FrameLimit } from '../../../src/adapters/pulsar/ws-producer-session.ts';
import type { OutgoingFrame, SendOutcome } from '../../../src/adapters/pulsar/transport.ts';
import { isRefractError } from '../../../src/domain/index.ts';

/**
 * A stand-in for the broker's WebSocket handler: it answers each frame `ok`, answers a payload
 * of 'X's as the broker answers a message over maxMessageSize, and closes the connection with
 * 1009 and Jetty's reason at the first frame over `frameLimit` (never answering what follows).
 */
const frameLimit = 3_000;
const received: string[] = [];
const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
server.on('connection', (socket: WebSocket, request) => {
  const named = !request.url?.includes('unnamed');
  let closing = false;
  socket.on('message', (data: Buffer) => {
    if (closing) return;
    const frame = JSON.parse(data.toString()) as { payload: string; context: string };
    received.push(frame.payload);
    if (data.length > frameLimit) {
      closing = true;
      socket.close(1009, named ? `Text message size [${data.length}] exceeds maximum size [${frameLimit}]` : 'Max payload size exceeded');
    } else if (Buffer.from(frame.payload, 'base64').toString() === 'XXX') {
      socket.send(JSON.stringify({ result: 'send-error:8', errorMsg: 'org.apache.pulsar.client.api.PulsarClientException$InvalidMessageException: The producer p of the topic t sends a  message with 5500000 bytes that exceeds 5242880 bytes', context: frame.context }));
    } else {
      socket.send(JSON.stringify({ result: 'ok', messageId: 'id', context: frame.context }));
    }
  });
});
let url = '';
beforeAll(() => {
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
});
afterAll(() => new Promise<void>((resolve) => {
  for (const client of server.clients) client.terminate();
  server.close(() => resolve());
}));

const frame = (bytes: number, fill = 'a'): OutgoingFrame => ({ key: 'k', payload: Buffer.from(fill.repeat(bytes)), properties: {} });
function limit(bytes: number): FrameLimit & { now: () => number } {
  let current = bytes;
  return { get: () => current, lower: (b) => (current = Math.min(current, b)), now: () => current };
}
const open = (limits: FrameLimit, path = '') => openWebSocket(`${url}${path}`, 't', 2_000, (o) => wsProducerSession(o, 't', () => undefined, limits));
const settle = (p: Promise<SendOutcome>) =>
  p.then((o) => o, (e: unknown) => (isRefractError(e) ? { error: e.code } : { error: String(e) }));

describe('wsProducerSession', () => {
  describe('when a message\'s frame is over the frame limit', () => {
    it('reports it too large at once, without sending it, and the connection stays usable', async () => {
      received.length = 0;
      const session = await open(limit(frameLimit));
      const outcome = await session.send(frame(2_500)); // 2,500 bytes → 3,336 as base64: over 3,000
      expect(outcome).toMatchObject({ ok: false, tooLarge: true, reason: expect.stringMatching(/frame of \d+ bytes.*limit is 3000/) as unknown });
      expect(received).toEqual([]);
      expect(await session.send(frame(10))).toEqual({ ok: true, messageId: 'id' });
      await session.close();
    });
  });

  describe('when the broker closes the connection with 1009 (its frame limit is lower than ours)', () => {
    it('fails the oversized frame for good, fails the rest as retryable, and adopts the broker\'s limit', async () => {
      const limits = limit(1_000_000);
      const session = await open(limits);
      const small = settle(session.send(frame(10)));
      const big = settle(session.send(frame(2_500)));
      const after = settle(session.send(frame(10)));
      expect(await small).toEqual({ ok: true, messageId: 'id' });
      expect(await big).toMatchObject({ ok: false, tooLarge: true });
      expect(await after).toEqual({ error: 'LOG.UNAVAILABLE' }); // resent on the next connection
      expect(limits.now()).toBe(frameLimit);
      const next = await open(limits);
      expect(await next.send(frame(2_500))).toMatchObject({ ok: false, tooLarge: true }); // not sent again
      await next.close();
    });

    it('without the limit in the close reason, takes the largest unanswered frame as over it', async () => {
      const limits = limit(1_000_000);
      const session = await open(limits, '?unnamed');
      const big = settle(session.send(frame(2_500)));
      const after = settle(session.send(frame(10)));
      expect(await big).toMatchObject({ ok: false, tooLarge: true });
      expect(await after).toEqual({ error: 'LOG.UNAVAILABLE' });
      expect(limits.now()).toBeLessThan(3_336 + 60);
      expect(limits.now()).toBeGreaterThan(100);
    });
  });

  describe('when the broker answers that a message exceeds its maxMessageSize', () => {
    it('reports it as failed and too large', async () => {
      const session = await open(limit(frameLimit));
      expect(await session.send(frame(3, 'X'))).toMatchObject({ ok: false, tooLarge: true, reason: expect.stringMatching(/exceeds 5242880/) as unknown });
      await session.close();
    });
  });
});
