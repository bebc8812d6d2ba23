import { createHmac, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureSecureMaterial, hs256Token, readSecret, secureMaterial, writeClientEnv, type SecureMaterial,
} from '../../../scripts/services/secure.ts';

/**
 * The launcher's throwaway certificates and credentials (`services:up -- --secure`,
 * docs/adr/0022), made with the real openssl in a temporary services folder.
 */
const root = mkdtempSync(join(tmpdir(), 'refract-secure-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const cert = (path: string) => new X509Certificate(readFileSync(path));
const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

let m: SecureMaterial;
const logged: string[] = [];

beforeAll(async () => {
  m = await ensureSecureMaterial(root, (message) => logged.push(message));
}, 60_000);

describe('ensureSecureMaterial', () => {
  it('makes the CA, the server and admin certificates, the key store and every credential under <root>/secure/', () => {
    expect(m.dir).toBe(join(root, 'secure'));
    const files = [
      m.caCert, m.serverCert, m.serverKey, m.serverP12, m.keystorePasswordFile, m.adminCert, m.adminKey,
      m.pulsar.secretKeyFile, m.pulsar.refractTokenFile, m.pulsar.adminTokenFile, m.janusgraph.passwordFile, m.opensearch.passwordFile,
    ];
    expect(files.filter((file) => !existsSync(file))).toEqual([]);
    expect(files.every((file) => file.startsWith(m.dir))).toBe(true);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(m.dir);
  });

  it('signs a server certificate with the CA that names localhost and 127.0.0.1 and nothing else', () => {
    const ca = cert(m.caCert);
    const server = cert(m.serverCert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(server.checkIP('10.0.0.1')).toBeUndefined();
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(m.serverKey)))).toBe(true);
  });

  it('signs an admin client certificate (CN=admin) with the same CA', () => {
    const admin = cert(m.adminCert);
    expect(admin.verify(cert(m.caCert).publicKey)).toBe(true);
    expect(admin.subject).toContain('CN=admin');
    expect(admin.checkPrivateKey(createPrivateKey(readFileSync(m.adminKey)))).toBe(true);
  });

  it('does not sign the server certificate with a CA of another folder', async () => {
    const other = await ensureSecureMaterial(join(root, 'other'), () => {});
    expect(cert(m.serverCert).verify(cert(other.caCert).publicKey)).toBe(false);
  }, 60_000);

  it('leaves private keys, the key store, passwords and tokens readable by the owner only, in a 0700 directory', () => {
    expect(mode(m.dir)).toBe(0o700);
    const secrets = [
      join(m.dir, 'ca-key.pem'), m.serverKey, m.adminKey, m.serverP12, m.keystorePasswordFile,
      m.pulsar.secretKeyFile, m.pulsar.refractTokenFile, m.pulsar.adminTokenFile, m.janusgraph.passwordFile, m.opensearch.passwordFile,
    ];
    expect(secrets.map((file) => [file, mode(file).toString(8)]).filter(([, octal]) => octal !== '600')).toEqual([]);
  });

  it('makes passwords of 24 URL- and YAML-safe characters, different for each server', async () => {
    const passwords = await Promise.all([m.keystorePasswordFile, m.janusgraph.passwordFile, m.opensearch.passwordFile].map(readSecret));
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/u);
    expect(new Set(passwords).size).toBe(3);
  });

  it('writes Pulsar tokens for the roles refract and admin, signed with the folder\'s key', async () => {
    const key = readFileSync(m.pulsar.secretKeyFile);
    expect(key).toHaveLength(32);
    for (const [file, role] of [[m.pulsar.refractTokenFile, 'refract'], [m.pulsar.adminTokenFile, 'admin']] as const) {
      const [header = '', payload = '', signature] = (await readSecret(file)).split('.');
      expect(decode(payload)).toEqual({ sub: role });
      expect(signature).toBe(createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'));
    }
  });

  it('reuses the material on a second call: same CA, same passwords, nothing made again', async () => {
    const before = { ca: readFileSync(m.caCert, 'utf8'), password: await readSecret(m.janusgraph.passwordFile) };
    const again = await ensureSecureMaterial(root, (message) => logged.push(message));
    expect(again).toEqual(m);
    expect(readFileSync(again.caCert, 'utf8')).toBe(before.ca);
    expect(await readSecret(again.janusgraph.passwordFile)).toBe(before.password);
    expect(logged).toHaveLength(1);
  });
});

describe('secureMaterial', () => {
  it('finds the material of a secured folder', () => {
    expect(secureMaterial(root)).toEqual(m);
  });

  it('is undefined for a folder never secured', () => {
    expect(secureMaterial(mkdtempSync(join(root, 'plain-')))).toBeUndefined();
  });

  it('is undefined for a secure/ directory that was never finished (no ready marker)', () => {
    const half = mkdtempSync(join(root, 'half-'));
    mkdirSync(join(half, 'secure'));
    expect(secureMaterial(half)).toBeUndefined();
  });
});

describe('hs256Token', () => {
  const key = randomBytes(32);

  it('gives a JWT with an HS256 header and the subject as `sub`', () => {
    const [header = '', payload = ''] = hs256Token('someone', key).split('.');
    expect(decode(header)).toEqual({ alg: 'HS256' });
    expect(decode(payload)).toEqual({ sub: 'someone' });
  });

  it('signs header and payload with the key', () => {
    const parts = hs256Token('someone', key).split('.');
    expect(parts).toHaveLength(3);
    const [header, payload, signature] = parts;
    expect(signature).toBe(createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'));
    expect(signature).not.toBe(createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url'));
  });
});

describe('writeClientEnv', () => {
  const urls = {
    pulsar: 'https://127.0.0.1:8080', janusgraph: 'wss://127.0.0.1:8182/gremlin', opensearch: 'https://127.0.0.1:9200',
  };
  const settings = (text: string) => Object.fromEntries(
    text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    }),
  );

  it('writes secure/refract.env, owner-only, with the URLs, the CA, the user names and the files that hold the secrets', async () => {
    const file = await writeClientEnv(m, urls);
    expect(file).toBe(join(m.dir, 'refract.env'));
    expect(mode(file)).toBe(0o600);
    expect(settings(readFileSync(file, 'utf8'))).toEqual({
      REFRACT_CA_FILE: m.caCert,
      REFRACT_PULSAR_URL: urls.pulsar,
      REFRACT_PULSAR_TOKEN_FILE: m.pulsar.refractTokenFile,
      REFRACT_JANUSGRAPH_URL: urls.janusgraph,
      REFRACT_JANUSGRAPH_USERNAME: 'refract',
      REFRACT_JANUSGRAPH_PASSWORD_FILE: m.janusgraph.passwordFile,
      REFRACT_OPENSEARCH_URL: urls.opensearch,
      REFRACT_OPENSEARCH_USERNAME: 'refract',
      REFRACT_OPENSEARCH_PASSWORD_FILE: m.opensearch.passwordFile,
    });
  });

  it('never writes a password or a token itself', async () => {
    const text = readFileSync(await writeClientEnv(m, urls), 'utf8');
    const secrets = await Promise.all([
      m.keystorePasswordFile, m.janusgraph.passwordFile, m.opensearch.passwordFile, m.pulsar.refractTokenFile, m.pulsar.adminTokenFile,
    ].map(readSecret));
    for (const secret of secrets) expect(text).not.toContain(secret);
    const key = readFileSync(m.pulsar.secretKeyFile);
    for (const encoded of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) expect(text).not.toContain(encoded);
    expect(text).not.toMatch(/_TOKEN=|_PASSWORD=/u);
  });

  it('names only the servers it is given URLs for', async () => {
    const text = readFileSync(await writeClientEnv(m, { pulsar: urls.pulsar }), 'utf8');
    expect(Object.keys(settings(text))).toEqual(['REFRACT_CA_FILE', 'REFRACT_PULSAR_URL', 'REFRACT_PULSAR_TOKEN_FILE']);
  });
});
