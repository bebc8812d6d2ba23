import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import type { ServiceName } from './service.ts';

/**
 * Throwaway certificates and credentials for `npm run services:up -- --secure` (docs/adr/0022).
 * They live in <services root>/secure/, readable by the owner only, and are made once: a
 * secured folder stays secured until that directory is deleted. Nothing secret ever goes on a
 * command line (openssl reads passwords from files), so no process listing shows one.
 */
export interface SecureMaterial {
  readonly dir: string;
  /** The CA that signed every server certificate: what Refract trusts (REFRACT_CA_FILE). */
  readonly caCert: string;
  /** One server certificate (CN=localhost, SAN localhost and 127.0.0.1) and its PKCS#8 key, PEM. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** The same key and certificate chain as PKCS#12, for servers that read a key store (Gremlin Server). */
  readonly serverP12: string;
  /** The key store's password, in a file of its own. */
  readonly keystorePasswordFile: string;
  /** A client certificate (CN=admin) and key, for a server's own admin tools (OpenSearch's security admin DN). */
  readonly adminCert: string;
  readonly adminKey: string;
  readonly pulsar: {
    /** The HS256 signing key, raw bytes (Pulsar's tokenSecretKey=file://…). */
    readonly secretKeyFile: string;
    /** A token for role `refract` (Refract's own) and one for role `admin` (the broker's internal clients). */
    readonly refractTokenFile: string;
    readonly adminTokenFile: string;
  };
  readonly janusgraph: { readonly username: string; readonly passwordFile: string };
  readonly opensearch: { readonly username: string; readonly passwordFile: string };
}

/** The distinguished names the certificates carry (OpenSearch's security plugin lists them). */
export const SERVER_DN = 'CN=localhost,OU=refract,O=refract';
export const ADMIN_DN = 'CN=admin,OU=refract,O=refract';
export const REFRACT_USER = 'refract';

const READY = 'ready';

/** The material of a secured services folder, or undefined when the folder is not secured. */
export function secureMaterial(root: string): SecureMaterial | undefined {
  const dir = join(root, 'secure');
  return existsSync(join(dir, READY)) ? secureLayout(dir) : undefined;
}

/** Makes the folder's certificates and credentials unless they exist; returns them. */
export async function ensureSecureMaterial(root: string, log: (message: string) => void = console.log): Promise<SecureMaterial> {
  const existing = secureMaterial(root);
  if (existing) return existing;
  const dir = join(root, 'secure');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const m = secureLayout(dir);
  log(`secure: making a throwaway CA, a server certificate and credentials in ${dir}`);

  await writeSecret(join(dir, 'ca.srl'), '01\n');
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '825',
    '-subj', '/O=refract/CN=Refract throwaway CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await signed(dir, 'server', '/O=refract/OU=refract/CN=localhost',
    ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth,clientAuth', 'keyUsage=critical,digitalSignature,keyEncipherment']);
  await signed(dir, 'admin', '/O=refract/OU=refract/CN=admin', ['extendedKeyUsage=clientAuth', 'keyUsage=critical,digitalSignature,keyEncipherment']);

  await writeSecret(m.keystorePasswordFile, password());
  await openssl(dir, ['pkcs12', '-export', '-in', 'server.pem', '-inkey', 'server-key.pem', '-certfile', 'ca.pem',
    '-name', 'server', '-out', 'server.p12', '-passout', `file:${m.keystorePasswordFile}`]);

  const key = randomBytes(32);
  await writeSecret(m.pulsar.secretKeyFile, key);
  await writeSecret(m.pulsar.refractTokenFile, hs256Token(REFRACT_USER, key));
  await writeSecret(m.pulsar.adminTokenFile, hs256Token('admin', key));
  await writeSecret(m.janusgraph.passwordFile, password());
  await writeSecret(m.opensearch.passwordFile, password());

  for (const file of ['ca-key.pem', 'server-key.pem', 'admin-key.pem', 'server.p12', 'server.csr', 'admin.csr']) {
    if (existsSync(join(dir, file))) await chmod(join(dir, file), 0o600);
  }
  await writeFile(join(dir, READY), 'made by the launcher; delete this directory for new material\n', { mode: 0o600 });
  return m;
}

/** Reads a secret file as text, without its trailing newline. */
export async function readSecret(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/** The URLs of a secured stack's servers, each where it runs (absent: not part of the stack). */
export interface SecureUrls {
  readonly pulsar?: string;
  readonly janusgraph?: string;
  readonly opensearch?: string;
}

/**
 * Refract's settings for a secured stack: URLs, the CA, user names, and the *files* holding the
 * token and passwords, never their values.
 */
export function clientSettings(m: SecureMaterial, urls: SecureUrls): Record<string, string> {
  return {
    REFRACT_CA_FILE: m.caCert,
    ...(urls.pulsar ? { REFRACT_PULSAR_URL: urls.pulsar, REFRACT_PULSAR_TOKEN_FILE: m.pulsar.refractTokenFile } : {}),
    ...(urls.janusgraph
      ? {
        REFRACT_JANUSGRAPH_URL: urls.janusgraph, REFRACT_JANUSGRAPH_USERNAME: m.janusgraph.username,
        REFRACT_JANUSGRAPH_PASSWORD_FILE: m.janusgraph.passwordFile,
      }
      : {}),
    ...(urls.opensearch
      ? {
        REFRACT_OPENSEARCH_URL: urls.opensearch, REFRACT_OPENSEARCH_USERNAME: m.opensearch.username,
        REFRACT_OPENSEARCH_PASSWORD_FILE: m.opensearch.passwordFile,
      }
      : {}),
  };
}

/**
 * The secured URLs (https, wss) on 127.0.0.1 of the servers whose ports are given, by the
 * launcher's port keys (web, gremlin, http).
 */
export function secureUrls(ports: Readonly<Partial<Record<ServiceName, Readonly<Record<string, number>>>>>): SecureUrls {
  return {
    ...(ports.pulsar ? { pulsar: `https://127.0.0.1:${ports.pulsar.web}` } : {}),
    ...(ports.janusgraph ? { janusgraph: `wss://127.0.0.1:${ports.janusgraph.gremlin}/gremlin` } : {}),
    ...(ports.opensearch ? { opensearch: `https://127.0.0.1:${ports.opensearch.http}` } : {}),
  };
}

/** clientSettings as an env file in the secure folder (`set -a; . refract.env; set +a`). */
export async function writeClientEnv(m: SecureMaterial, urls: SecureUrls): Promise<string> {
  const lines = [
    '# Settings for Refract against the secured servers of this folder (docs/adr/0022).',
    ...Object.entries(clientSettings(m, urls)).map(([key, value]) => `${key}=${value}`),
  ];
  const file = join(m.dir, 'refract.env');
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

/** A GET to a secured server of the folder: trusts its CA, sends `headers` (the credentials). */
export async function trustedGet(
  m: SecureMaterial, url: string, timeoutMs: number, headers: Readonly<Record<string, string>>,
): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ connect: { ca: await readFile(m.caCert, 'utf8') } });
  try {
    const res = await undiciFetch(url, { dispatcher, signal: AbortSignal.timeout(timeoutMs), headers: { ...headers } });
    return { status: res.status, text: await res.text() };
  } finally {
    await dispatcher.close();
  }
}

/** Where the material of a folder's secure/ directory lives (whether it exists yet or not). */
export function secureLayout(dir: string): SecureMaterial {
  const at = (name: string) => join(dir, name);
  return {
    dir,
    caCert: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server-key.pem'),
    serverP12: at('server.p12'),
    keystorePasswordFile: at('keystore-password'),
    adminCert: at('admin.pem'),
    adminKey: at('admin-key.pem'),
    pulsar: { secretKeyFile: at('pulsar-secret.key'), refractTokenFile: at('pulsar-refract.token'), adminTokenFile: at('pulsar-admin.token') },
    janusgraph: { username: REFRACT_USER, passwordFile: at('janusgraph-password') },
    opensearch: { username: REFRACT_USER, passwordFile: at('opensearch-password') },
  };
}

/** A key and a certificate signed by the folder's CA, with the given X.509 v3 extensions. */
async function signed(dir: string, name: string, subject: string, extensions: readonly string[]): Promise<void> {
  await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject]);
  await writeFile(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAserial', 'ca.srl',
    '-out', `${name}.pem`, '-days', '825', '-sha256', '-extfile', `${name}.ext`]);
}

async function openssl(cwd: string, args: readonly string[]): Promise<void> {
  try {
    await promisify(execFile)('openssl', [...args], { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`SECURE.OPENSSL_FAILED: openssl ${args[0]} failed: ${(error as Error).message.split('\n')[0]}\n${stderr.slice(-2000)}`);
  }
}

async function writeSecret(path: string, content: string | Buffer): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** 24 random characters from [A-Za-z0-9_-]: safe in YAML, properties files and URLs without quoting. */
function password(): string {
  return randomBytes(18).toString('base64url');
}

/** An HS256 JSON Web Token for `subject`, as `pulsar tokens create --secret-key` makes one (no expiry). */
export function hs256Token(subject: string, key: Buffer): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256' })}.${part({ sub: subject })}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}
