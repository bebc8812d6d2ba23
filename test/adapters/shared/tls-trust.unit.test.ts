import { readFileSync } from 'node:fs';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSecureMaterial } from '../../../scripts/services/secure.ts';
import { createPulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';

/**
 * Hostname verification stays on (docs/adr/0022): a server whose certificate is signed by the
 * trusted CA but does not name the host in the URL is refused as configuration, not retried.
 * The launcher's throwaway certificate names localhost and 127.0.0.1; the server listens on
 * ::1 too, which the certificate does not name.
 */
const root = mkdtempSync(join(tmpdir(), 'refract-tls-'));
let server: https.Server | undefined;
let ca = '';
let port = 0;

beforeAll(async () => {
  const m = await ensureSecureMaterial(root, () => undefined);
  ca = readFileSync(m.caCert, 'utf8');
  server = https.createServer({ cert: readFileSync(m.serverCert), key: readFileSync(m.serverKey) }, (_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('["standalone"]');
  });
  await new Promise<void>((resolve) => server?.listen(0, '::', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe('a server certificate signed by the trusted CA', () => {
  it('is accepted for a host it names', async () => {
    expect(await createPulsarAdmin(`https://127.0.0.1:${port}`, { auth: { ca } }).get('/admin/v2/clusters')).toEqual(['standalone']);
  });

  it('is refused as CONFIG.INVALID for a host it does not name, without a retry', async () => {
    await expect(createPulsarAdmin(`https://[::1]:${port}`, { auth: { ca } }).get('/admin/v2/clusters')).rejects.toMatchObject({
      code: 'CONFIG.INVALID', retryable: false,
      message: expect.stringMatching(/Pulsar at https:\/\/\[::1\]:\d+ presented a certificate Refract does not trust \(ERR_TLS_CERT_ALTNAME_INVALID\)/) as unknown,
    });
  });

  it('is refused as CONFIG.INVALID without the CA setting, whose place the system CAs take', async () => {
    await expect(createPulsarAdmin(`https://127.0.0.1:${port}`, {}).get('/admin/v2/clusters')).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
  });
});
