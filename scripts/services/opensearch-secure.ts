import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveMaven } from './maven.ts';
import { ADMIN_DN, SERVER_DN, readSecret, trustedGet, type SecureMaterial } from './secure.ts';
import type { ServiceContext } from './service.ts';

/**
 * OpenSearch secured (`services:up -- --secure`, docs/adr/0022): the security plugin
 * (org.opensearch.plugin:opensearch-security, the zip on Maven Central, same version as the
 * server) loaded from the classpath next to k-NN, TLS on HTTP and transport with the folder's
 * throwaway PEM material, HTTP basic authentication against the plugin's internal users
 * (`refract`, mapped to all_access). The security index is made from config/opensearch-security/
 * on the first start (allow_default_init_securityindex). No secret goes on a command line: the
 * password is hashed by the plugin's own Hasher, which reads it from an environment variable,
 * and the node's settings name only file paths.
 */
export const SECURITY_VERSION = '2.19.1.0';
/** The folder (under the service folder) that holds the unpacked plugin. */
export const SECURITY_DIR = 'security';
/** Tells EmbeddedOpenSearch.java to add the security plugin to its classpath plugins. */
export const SECURE_PROPERTY = '-Drefract.opensearch.secure=true';

type Run = (command: string, args: readonly string[], cwd: string) => Promise<void>;
type Once = (output: string, key: string, step: () => Promise<void>) => Promise<void>;

/** The plugin's jars that duplicate the server's (netty, transport-netty4-client, asm): the server's copy stays. */
function artifactOf(jar: string): string {
  return jar.replace(/-\d[^-]*(?:-[A-Za-z]+)?\.jar$/u, '').replace(/\.jar$/u, '');
}

/** Resolves and unpacks the plugin zip into <dir>/security, leaving out jars the server already has in lib/. */
export async function unpackSecurity(ctx: ServiceContext, jar: string, run: Run, once: Once): Promise<void> {
  const [zip] = await resolveMaven({
    outDir: join(ctx.dir, 'security-dist'), artifacts: [`org.opensearch.plugin:opensearch-security:${SECURITY_VERSION}:zip`],
    transitive: false, log: ctx.log,
  });
  if (!zip) throw new Error('OPENSEARCH.PREPARE_FAILED: the security plugin zip did not resolve');
  const target = join(ctx.dir, SECURITY_DIR);
  const lib = new Set((await readdir(join(ctx.dir, 'lib'))).filter((f) => f.endsWith('.jar')).map(artifactOf));
  await once(target, `${zip}\n${[...lib].sort().join(',')}`, async () => {
    await mkdir(target, { recursive: true });
    await run(jar, ['xf', join(ctx.dir, 'security-dist', zip)], target);
    for (const file of await readdir(target)) {
      if (file.endsWith('.jar') && lib.has(artifactOf(file))) await rm(join(target, file));
    }
  });
}

/** The classpath entries of the plugin; they come before k-NN's so its newer Guava wins over k-NN's. */
export function securityClasspath(dir: string): string {
  return join(dir, SECURITY_DIR, '*');
}

/** The plugin's bcrypt hash of `password`, made by its Hasher, which reads the password from an environment variable. */
async function bcrypt(java: string, cp: string, password: string, cwd: string): Promise<string> {
  const variable = 'REFRACT_OPENSEARCH_HASH_INPUT';
  try {
    const { stdout } = await promisify(execFile)(java, ['-cp', cp, 'org.opensearch.security.tools.Hasher', '-env', variable],
      { cwd, env: { ...process.env, [variable]: password }, maxBuffer: 1 << 20 });
    const hash = stdout.split('\n').map((l) => l.trim()).find((l) => /^\$2[aby]\$\d\d\$/u.test(l));
    if (!hash) throw new Error(`no bcrypt hash in its output (${stdout.length} characters)`);
    return hash;
  } catch (error) {
    throw new Error(`OPENSEARCH.PREPARE_FAILED: hashing the OpenSearch password failed: ${(error as Error).message.split('\n')[0]}`);
  }
}

const yaml = (value: unknown): string => JSON.stringify(value);

/** Basic authentication against the internal users; nothing anonymous. */
const CONFIG_YML = `_meta: {type: "config", config_version: 2}
config:
  dynamic:
    http:
      anonymous_auth_enabled: false
    authc:
      basic_internal_auth_domain:
        description: "HTTP basic authentication against the internal users (written by the Refract launcher)"
        http_enabled: true
        transport_enabled: true
        order: 0
        http_authenticator: {type: "basic", challenge: true}
        authentication_backend: {type: "intern"}
    authz: {}
`;

/** Audit logging off: it would write an audit index for every request of a development node. */
const AUDIT_YML = `_meta: {type: "audit", config_version: 2}
config:
  enabled: false
`;

/** Templates from the plugin's zip that are copied as they are (reserved roles, empty groups and lists). */
const TEMPLATES = ['roles.yml', 'action_groups.yml', 'tenants.yml', 'nodes_dn.yml', 'allowlist.yml', 'whitelist.yml'];

/**
 * Writes config/opensearch-security/*.yml (the security index's first content) and
 * config/opensearch.yml (the node's TLS and security settings, lists included, which a
 * key=value argument could not carry: Settings splits a value at commas, and DNs have them).
 */
export async function writeSecurityConfig(ctx: ServiceContext, m: SecureMaterial, java: string, cp: string): Promise<void> {
  const config = join(ctx.dir, 'config');
  const securityConfig = join(config, 'opensearch-security');
  await rm(securityConfig, { recursive: true, force: true });
  await mkdir(securityConfig, { recursive: true, mode: 0o700 });
  await chmod(securityConfig, 0o700);
  for (const name of TEMPLATES) await copyFile(join(ctx.dir, SECURITY_DIR, 'config', name), join(securityConfig, name));

  const hash = await bcrypt(java, cp, await readSecret(m.opensearch.passwordFile), ctx.dir);
  const users = `_meta: {type: "internalusers", config_version: 2}
${m.opensearch.username}:
  hash: ${yaml(hash)}
  reserved: true
  description: "Refract (written by the Refract launcher)"
`;
  const mapping = `_meta: {type: "rolesmapping", config_version: 2}
all_access:
  reserved: true
  users: [${yaml(m.opensearch.username)}]
  description: "Refract has all access"
`;
  await secret(join(securityConfig, 'internal_users.yml'), users);
  await writeFile(join(securityConfig, 'roles_mapping.yml'), mapping);
  await writeFile(join(securityConfig, 'config.yml'), CONFIG_YML);
  await writeFile(join(securityConfig, 'audit.yml'), AUDIT_YML);

  const settings: Record<string, unknown> = {
    'plugins.security.ssl.transport.pemcert_filepath': m.serverCert,
    'plugins.security.ssl.transport.pemkey_filepath': m.serverKey,
    'plugins.security.ssl.transport.pemtrustedcas_filepath': m.caCert,
    'plugins.security.ssl.http.enabled': true,
    'plugins.security.ssl.http.pemcert_filepath': m.serverCert,
    'plugins.security.ssl.http.pemkey_filepath': m.serverKey,
    'plugins.security.ssl.http.pemtrustedcas_filepath': m.caCert,
    'plugins.security.nodes_dn': [SERVER_DN],
    'plugins.security.authcz.admin_dn': [ADMIN_DN],
    'plugins.security.allow_default_init_securityindex': true,
    'plugins.security.allow_unsafe_democertificates': false,
    // Without a type the plugin logs an ERROR (no default audit endpoint); noop is its do-nothing sink.
    'plugins.security.audit.type': 'noop',
    'plugins.security.restapi.roles_enabled': ['all_access'],
    'plugins.security.system_indices.enabled': true,
  };
  const yml = Object.entries(settings).map(([k, v]) => `${k}: ${yaml(v)}`).join('\n');
  await writeFile(join(config, 'opensearch.yml'), `# Written by the Refract launcher (secured folder); rewritten on every start.\n${yml}\n`);
  await ownerOnly(config);
  await resetDataIfMaterialChanged(ctx, m);
}

/**
 * The security index is made once, from the files of the first start; a later start keeps it.
 * New material (the secure/ folder was deleted) brings a new password the old index would not
 * know, so data made under other material is dropped. The marker holds certificate digests only.
 */
async function resetDataIfMaterialChanged(ctx: ServiceContext, m: SecureMaterial): Promise<void> {
  const marker = join(ctx.dir, 'security-material');
  const digest = createHash('sha256').update(await readFile(m.caCert)).update(await readFile(m.serverCert)).digest('hex');
  const previous = existsSync(marker) ? await readFile(marker, 'utf8') : undefined;
  if (previous === digest) return;
  if (previous !== undefined) {
    ctx.log('secure: data/ was made under other security material (its security index knows another password); starting with an empty data/');
    await rm(join(ctx.dir, 'data'), { recursive: true, force: true });
    await mkdir(join(ctx.dir, 'data'), { recursive: true });
  }
  await writeFile(marker, digest);
}

/** Unsecured start in a folder that was secured once: no security settings may linger in config/. */
export async function removeSecurityConfig(ctx: ServiceContext): Promise<void> {
  await rm(join(ctx.dir, 'config', 'opensearch.yml'), { force: true });
  await rm(join(ctx.dir, 'config', 'opensearch-security'), { recursive: true, force: true });
}

/** The plugin warns unless its config folder is 0700 and every file in it 0600. */
async function ownerOnly(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await ownerOnly(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}

async function secret(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** A GET against the secured node: trusts the folder's CA, presents Refract's basic credentials. */
export async function secureOpenSearchGet(m: SecureMaterial, url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const password = await readSecret(m.opensearch.passwordFile);
  return trustedGet(m, url, timeoutMs, {
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${m.opensearch.username}:${password}`).toString('base64')}`,
  });
}
