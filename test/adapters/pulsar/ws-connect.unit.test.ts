import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerReason, openWebSocket } from '../../../src/adapters/pulsar/ws-connect.ts';
import { isRefractError } from '../../../src/domain/index.ts';

/** Titles as Pulsar 4.0.7's WebSocket handler sends them with a refused upgrade. */
const page = (status: number, title: string) => `<html><head><title>Error ${status} ${title}</title></head><body></body></html>`;

describe('brokerReason', () => {
  describe('when the broker refuses a second producer with the same name', () => {
    it('names the broker\'s error, ProducerBusy, and keeps its message', () => {
      const html = page(409, 'Failed to create producer/consumer: {&quot;errorMsg&quot;:&quot;org.apache.pulsar.broker.service.BrokerServiceException$NamingException: Producer with name &apos;p&apos; is already connected to topic &apos;persistent://t/n/x&apos;&quot;,&quot;reqId&quot;:1, &quot;remote&quot;:&quot;127.0.0.1/127.0.0.1:6650&quot;}');
      expect(brokerReason(html)).toBe("ProducerBusy: Producer with name 'p' is already connected to topic 'persistent://t/n/x'");
    });
  });

  describe('when the namespace does not exist', () => {
    it('gives the broker\'s plain message', () => {
      const html = page(404, 'Failed to create producer/consumer: {&quot;errorMsg&quot;:&quot;Namespace not found&quot;,&quot;reqId&quot;:3}');
      expect(brokerReason(html)).toBe('Namespace not found');
    });
  });

  describe('when the body is not Pulsar\'s page', () => {
    it('falls back to the text or the status message', () => {
      expect(brokerReason('', 'Bad Gateway')).toBe('Bad Gateway');
      expect(brokerReason('plain text')).toBe('plain text');
    });
  });
});

describe('openWebSocket', () => {
  /** Answers every upgrade with the status in its path: /ws/429 → 429. */
  const server = http.createServer();
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex) => {
    const status = Number(/\/ws\/(\d+)/.exec(request.url ?? '')?.[1] ?? 500);
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: text/html\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const refusal = async (status: number) => {
    const error: unknown = await openWebSocket(`${base}/ws/${status}`, 't', 2_000, () => undefined).catch((e: unknown) => e);
    return isRefractError(error) ? { code: error.code, retryable: error.retryable, busy: error.details['busy'] } : error;
  };

  describe('when the broker or a proxy in front of it answers 429 or 408 (too many requests, request timeout)', () => {
    it('is a retryable LOG.UNAVAILABLE, not a refusal', async () => {
      expect(await refusal(429)).toEqual({ code: 'LOG.UNAVAILABLE', retryable: true, busy: false });
      expect(await refusal(408)).toEqual({ code: 'LOG.UNAVAILABLE', retryable: true, busy: false });
    });
  });

  describe('when the broker answers 401 or 403 (authentication, authorisation)', () => {
    it('is CONFIG.INVALID naming the server and the setting, and not retried', async () => {
      for (const status of [401, 403]) {
        const error: unknown = await openWebSocket(`${base}/ws/${status}?token=x`, 't', 2_000, () => undefined).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'CONFIG.INVALID', retryable: false, details: { field: 'pulsarToken', server: base, status } });
        expect((error as Error).message).toMatch(new RegExp(`Pulsar at ${base} refused .*pulsarToken`));
      }
    });
  });

  describe('when the broker answers 409, 404 or 503', () => {
    it('refuses a taken name and a missing namespace, and retries a broker that cannot serve yet', async () => {
      expect(await refusal(409)).toEqual({ code: 'LOG.REFUSED', retryable: false, busy: true });
      expect(await refusal(404)).toEqual({ code: 'LOG.REFUSED', retryable: false, busy: false });
      expect(await refusal(503)).toEqual({ code: 'LOG.UNAVAILABLE', retryable: true, busy: false });
    });
  });
});

