import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readSecret, type SecureMaterial } from './secure.ts';

/**
 * The secured JanusGraph Server of `services:up -- --secure` (docs/adr/0022): TLS on the
 * Gremlin WebSocket endpoint with the folder's PKCS#12 key store, and SASL PLAIN
 * authentication against a BerkeleyJE credentials graph (JanusGraphSimpleAuthenticator, which
 * makes the default user on its first start). The passwords go into config files readable by
 * the owner only, never onto the server's command line.
 */

/** Appended to janusgraph-server.yaml; the credentials graph's own properties file. */
export const SECURE_SERVER_FRAGMENT = 'janusgraph-server-secure.yaml';
export const CREDENTIALS_PROPERTIES = 'janusgraph-credentials.properties';

/**
 * Writes the secure part of the server config: appends the `ssl` and `authentication`
 * sections to `<conf>/janusgraph-server.yaml` (already written from its template) and writes
 * the credentials graph's properties; both end up mode 0600.
 */
export async function writeSecureServerConfig(options: {
  readonly material: SecureMaterial;
  readonly templates: string;
  readonly conf: string;
  readonly dataDir: string;
  readonly fill: (template: string, values: Readonly<Record<string, string>>) => string;
}): Promise<void> {
  const { material, templates, conf, dataDir, fill } = options;
  // The credentials graph holds nothing but the default user, and the authenticator only adds
  // that user when missing: a graph kept from older material (secure/ deleted and made anew)
  // would keep the old password. Start it empty each time; the first start makes it again.
  const credentialsData = join(dataDir, 'credentials');
  await rm(credentialsData, { recursive: true, force: true });
  await mkdir(credentialsData, { recursive: true, mode: 0o700 });
  const credentials = join(conf, CREDENTIALS_PROPERTIES);
  const properties = fill(await readFile(join(templates, CREDENTIALS_PROPERTIES), 'utf8'), { DATA_DIR: dataDir });
  await writePrivate(credentials, properties);

  // JSON strings are valid double-quoted YAML scalars: no value can break out of its place.
  const quoted = (value: string) => JSON.stringify(value);
  const fragment = fill(await readFile(join(templates, SECURE_SERVER_FRAGMENT), 'utf8'), {
    KEYSTORE: quoted(material.serverP12),
    KEYSTORE_PASSWORD: quoted(await readSecret(material.keystorePasswordFile)),
    USERNAME: quoted(material.janusgraph.username),
    PASSWORD: quoted(await readSecret(material.janusgraph.passwordFile)),
    CREDENTIALS_PROPERTIES: quoted(credentials),
  });
  const server = join(conf, 'janusgraph-server.yaml');
  await writePrivate(server, `${await readFile(server, 'utf8')}\n${fragment}`);
}

/**
 * What the gremlin JS driver (3.7) needs against the secured server, for a `Client` and a
 * `DriverRemoteConnection` alike: both hand their options to one `Connection`, which passes
 * `ca` and `rejectUnauthorized` to the `ws` socket (TLS) and answers the server's 407
 * challenge on each request with `authenticator` (SASL PLAIN).
 */
export interface JanusGraphSecureOptions {
  readonly authenticator: unknown;
  readonly ca: string[];
  readonly rejectUnauthorized: true;
}

export async function janusgraphSecureOptions(material: SecureMaterial): Promise<JanusGraphSecureOptions> {
  const { PlainTextSaslAuthenticator } = gremlinAuth().driver.auth;
  return {
    authenticator: new PlainTextSaslAuthenticator(material.janusgraph.username, await readSecret(material.janusgraph.passwordFile)),
    ca: [await readFile(material.caCert, 'utf8')],
    rejectUnauthorized: true,
  };
}

async function writePrivate(path: string, content: string): Promise<void> {
  // A file that exists keeps its mode on rewrite (`mode` applies to new files only): narrow
  // it before the secrets go in.
  await chmod(path, 0o600).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
  await writeFile(path, content, { mode: 0o600 });
}

/** The slice of the untyped `gremlin` package used here (no @types/gremlin installed). */
interface GremlinAuth {
  readonly driver: {
    readonly auth: {
      readonly PlainTextSaslAuthenticator: new (username: string, password: string) => unknown;
    };
  };
}

function gremlinAuth(): GremlinAuth {
  return createRequire(import.meta.url)('gremlin') as GremlinAuth;
}
