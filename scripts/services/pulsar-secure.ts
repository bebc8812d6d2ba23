import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readSecret, trustedGet, type SecureMaterial } from './secure.ts';

/**
 * Pulsar standalone secured (`services:up -- --secure`, docs/adr/0022): TLS only on the web
 * service (admin REST + WebSocket API) and the binary port, JWT (HS256) authentication,
 * authorisation on. The settings live in services/pulsar/secure.conf; this module appends the
 * paths of the folder's throwaway material and the ports. Secrets stay in files: the conf names
 * the signing key and the admin token by `file://` URL, so no command line carries one.
 */

/** The standalone.conf tail for a secured folder: the template, then material paths and TLS ports. */
export async function pulsarSecureConf(templates: string, m: SecureMaterial, ports: { web: number; broker: number }): Promise<string> {
  const template = await readFile(join(templates, 'secure.conf'), 'utf8');
  const loopback = loopbackInterface();
  const lines = [
    '',
    '### Material and ports (written by the launcher)',
    `tlsCertificateFilePath=${m.serverCert}`,
    `tlsKeyFilePath=${m.serverKey}`,
    `tlsTrustCertsFilePath=${m.caCert}`,
    `brokerClientTrustCertsFilePath=${m.caCert}`,
    `tokenSecretKey=${pathToFileURL(m.pulsar.secretKeyFile).href}`,
    `brokerClientAuthenticationParameters=${pathToFileURL(m.pulsar.adminTokenFile).href}`,
    `webServicePortTls=${ports.web}`,
    `brokerServicePortTls=${ports.broker}`,
    ...(loopback ? [`listeningInterface=${loopback}`] : []),
    '',
  ];
  return template + lines.join('\n');
}

/** The name of the interface that holds 127.0.0.1 (lo on Linux, lo0 on macOS), if any. */
function loopbackInterface(): string | undefined {
  return Object.entries(networkInterfaces())
    .find(([, addresses]) => addresses?.some((a) => a.family === 'IPv4' && a.address === '127.0.0.1'))?.[0];
}

/** A GET against the secured web service: trusts the folder's CA, presents Refract's token. */
export async function securePulsarGet(
  m: SecureMaterial, url: string, timeoutMs: number, json = true,
): Promise<{ status: number; text: string }> {
  const token = await readSecret(m.pulsar.refractTokenFile);
  return trustedGet(m, url, timeoutMs, { ...(json ? { accept: 'application/json' } : {}), authorization: `Bearer ${token}` });
}
