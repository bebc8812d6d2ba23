import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';

/** Answers every request with the status in its path (/admin/v2/status/503 → 503) and a broker-style reason. */
const server = http.createServer((request, response) => {
  const status = Number(/\/status\/(\d+)/.exec(request.url ?? '')?.[1] ?? 200);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(status === 200 ? ['refract/banking'] : { reason: status === 500 ? 'Not enough non-faulty bookies available' : `reason ${status}` }));
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const outcome = async (status: number, how: 'request' | 'get') => {
  const admin = createPulsarAdmin(base);
  const path = `/admin/v2/status/${status}`;
  try {
    return how === 'get' ? { body: await admin.get(path) } : { status: (await admin.request('PUT', path)).status };
  } catch (error) {
    const e = error as { code?: string; retryable?: boolean; message: string; details?: Record<string, unknown> };
    return { code: e.code, retryable: e.retryable, message: e.message, details: e.details };
  }
};

describe('createPulsarAdmin', () => {
  describe('when the broker answers 500 or 503 (bookies not back yet after a restart), 408 or 429', () => {
    it('throws the retryable LOG.UNAVAILABLE with the broker\'s reason', async () => {
      for (const status of [500, 503, 408, 429]) {
        expect(await outcome(status, 'request')).toMatchObject({ code: 'LOG.UNAVAILABLE', retryable: true, details: { status } });
      }
      expect((await outcome(500, 'request')).message).toContain('Not enough non-faulty bookies available');
    });
  });

  describe('when the broker answers 401 or 403', () => {
    it('throws CONFIG.INVALID naming the server and the setting, whatever the call', async () => {
      for (const status of [401, 403]) {
        for (const how of ['request', 'get'] as const) {
          const got = await outcome(status, how);
          expect(got).toMatchObject({ code: 'CONFIG.INVALID', retryable: false, details: { field: 'pulsarToken', server: base, status } });
          expect(got.message).toMatch(/REFRACT_PULSAR_TOKEN_FILE/);
        }
      }
    });
  });

  describe('when a GET finds nothing (a tenant or namespace that is not there)', () => {
    it('is the broker\'s refusal, LOG.REFUSED, not retried', async () => {
      expect(await outcome(404, 'get')).toMatchObject({ code: 'LOG.REFUSED', retryable: false });
    });
  });

  describe('when the broker answers other statuses to a request', () => {
    it('hands them to the caller, which decides what 404 or 409 mean', async () => {
      expect(await outcome(409, 'request')).toEqual({ status: 409 });
      expect(await outcome(404, 'request')).toEqual({ status: 404 });
      expect(await outcome(200, 'get')).toEqual({ body: ['refract/banking'] });
    });
  });

  describe('when nothing answers', () => {
    it('throws the retryable LOG.UNAVAILABLE', async () => {
      await expect(createPulsarAdmin('http://127.0.0.1:1').get('/admin/v2/clusters')).rejects.toMatchObject({ code: 'LOG.UNAVAILABLE', retryable: true });
    });
  });
});

describe('createPulsarAdmin with a token, on a cluster whose broker redirects to the topic\'s owner', () => {
  const seen: { owner?: string; body?: string } = {};
  // The owner answers 200 with the Authorization header it got and the body it was sent.
  const owner = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.owner = request.headers.authorization ?? 'none';
      seen.body = body;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('"ok"');
    });
  });
  // Another broker: 307 to the owner (Pulsar's redirect to the broker that owns a topic), or to an https:// URL.
  const other = http.createServer((request, response) => {
    const ownerPort = (owner.address() as AddressInfo).port;
    const scheme = request.url?.includes('/to-https/') ? 'https' : 'http';
    response.writeHead(307, { location: `${scheme}://127.0.0.1:${ownerPort}${request.url ?? '/'}` });
    response.end();
  });
  let otherBase = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => owner.close(() => resolve()));
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it('follows the redirect itself, with the token and the body, which fetch would drop for another origin', async () => {
    const { Secret } = await import('../../../src/adapters/shared/secret.ts');
    const admin = createPulsarAdmin(otherBase, { auth: { token: new Secret('the-token') } });
    expect(await admin.request('PUT', '/admin/v2/persistent/t/ns/topic', { a: 1 })).toEqual({ status: 200, body: 'ok' });
    expect(seen).toEqual({ owner: 'Bearer the-token', body: '{"a":1}' });
  });

  it('does not follow a redirect to another scheme: the answer is the 307 itself', async () => {
    const { Secret } = await import('../../../src/adapters/shared/secret.ts');
    const admin = createPulsarAdmin(otherBase, { auth: { token: new Secret('the-token') } });
    expect((await admin.request('GET', '/admin/v2/to-https/x')).status).toBe(307);
  });
});
