import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serviceEndpoints } from '../../support/endpoints.ts';

/** Proves the Pulsar the tests get is a real broker: admin REST, namespace deduplication, WebSocket round trip. */
describe('Pulsar (real server)', () => {
  const { webUrl, wsUrl } = serviceEndpoints('pulsar');
  const namespace = `public/smoke-${randomUUID().slice(0, 8)}`;
  const topic = `persistent/${namespace}/events`;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    await admin('PUT', `/admin/v2/namespaces/${namespace}`);
    await admin('POST', `/admin/v2/namespaces/${namespace}/deduplication`, true);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await admin('DELETE', `/admin/v2/${topic}?force=true`).catch(() => undefined);
    await admin('DELETE', `/admin/v2/namespaces/${namespace}`).catch(() => undefined);
  });

  describe('when a namespace is created with deduplication enabled through the admin API', () => {
    it('reports deduplication enabled for it', async () => {
      expect(await admin('GET', `/admin/v2/namespaces/${namespace}/deduplication`)).toBe(true);
    });
  });

  describe('when a message is produced and consumed through the WebSocket API', () => {
    it('delivers its payload, key and properties unchanged', async () => {
      const consumer = await open(`${wsUrl}/ws/v2/consumer/${topic}/smoke-sub?subscriptionType=Exclusive`);
      const producer = await open(`${wsUrl}/ws/v2/producer/${topic}?producerName=smoke-producer`);
      const payload = JSON.stringify({ type: 'ThingCreated', id: 'thing-1' });
      const received = nextFrame(consumer);

      const ack = nextFrame(producer);
      producer.send(JSON.stringify({
        payload: Buffer.from(payload).toString('base64'),
        key: 'thing-1',
        properties: { eventType: 'ThingCreated', version: '1' },
        context: 'ctx-1',
      }));
      const reply = await ack;
      expect(reply).toMatchObject({ result: 'ok', context: 'ctx-1' });
      expect(typeof reply.messageId).toBe('string');

      const message = await received;
      expect(Buffer.from(String(message.payload), 'base64').toString()).toBe(payload);
      expect(message.key).toBe('thing-1');
      expect(message.properties).toEqual({ eventType: 'ThingCreated', version: '1' });
      consumer.send(JSON.stringify({ messageId: message.messageId }));
    });
  });

  async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${webUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  function open(url: string): Promise<WebSocket> {
    const socket = new WebSocket(url);
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`${url}: HTTP ${res.statusCode ?? '?'}`)));
    });
  }

  function nextFrame(socket: WebSocket): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
    });
  }
});
