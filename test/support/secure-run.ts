import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type RefractConfig } from '../../src/adapters/config/config.ts';
import { serverAuth } from '../../src/adapters/config/server-auth.ts';
import { connectionAuth } from '../../src/adapters/janusgraph/gremlin-driver.ts';
import { createOpenSearchClient } from '../../src/adapters/opensearch/opensearch-client.ts';
import { dropNamespace } from '../../src/adapters/pulsar/drop-namespace.ts';
import { createPulsarAdmin } from '../../src/adapters/pulsar/pulsar-admin.ts';
import { gremlinClient } from './gremlin-client.ts';
import { SECURE_MATERIAL, secureStackEnv } from './secure-stack.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** What a `refract` command printed, and how it ended. */
export interface CommandOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * One run of the secure pass: a Pulsar namespace, an index prefix and a state folder of its own,
 * with Refract's settings for the secured stack, and clients that clean up after it.
 */
export function secureRun(name: string) {
  const nonce = randomUUID().slice(0, 6);
  const workDir = mkdtempSync(join(tmpdir(), `refract-secure-${name}-${nonce}-`));
  const env: Record<string, string> = {
    ...secureStackEnv(),
    REFRACT_PULSAR_TENANT: 'apps', REFRACT_PULSAR_NAMESPACE: `${name}-${nonce}`,
    REFRACT_INDEX_PREFIX: `refract-${name}-${nonce}-`, REFRACT_STATE_DIR: join(workDir, 'state'),
  };
  const config = () => loadConfig({}, { ...process.env, ...env });
  return {
    nonce, workDir, env, config,
    /** `refract <args>` as an operator runs it, with this run's settings and `extra` over them. */
    refract(args: readonly string[], extra: Readonly<Record<string, string | undefined>> = {}, timeoutMs = 180_000) {
      const began = Date.now();
      // A setting `extra` maps to undefined is left out altogether.
      const childEnv = Object.fromEntries(Object.entries({ ...process.env, ...env, ...extra }).filter(([, value]) => value !== undefined));
      return new Promise<CommandOutput>((resolve) => {
        execFile(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', ...args],
          { cwd: REPO, env: childEnv, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: Date.now() - began }));
      });
    },
    /** Removes the run's namespace, the vertices under `idPrefix` and the run's indices, through the secured servers. */
    cleanUp(idPrefix?: string): Promise<void> {
      const c = config();
      const run = { tenant: c.pulsarTenant, namespace: c.pulsarNamespace, indexPrefix: c.indexPrefix };
      return dropSecuredData(c, { ...run, ...(idPrefix ? { idPrefix } : {}) });
    },
  };
}

/**
 * Removes what a test wrote to the secured servers `config` points at: a Pulsar namespace, the
 * vertices whose entity_id starts with `idPrefix` (if given), and the indices under `indexPrefix`.
 */
export async function dropSecuredData(
  config: RefractConfig, run: { tenant: string; namespace: string; indexPrefix: string; idPrefix?: string },
): Promise<void> {
  await dropNamespace(createPulsarAdmin(config.pulsarUrl, { auth: serverAuth(config, 'pulsar') }), run.tenant, run.namespace);
  if (run.idPrefix) {
    const { g, TextP, close } = gremlinClient(config.janusgraphUrl, connectionAuth(serverAuth(config, 'janusgraph')));
    try {
      await g.V().has('entity_id', TextP.startingWith(run.idPrefix)).drop().iterate();
    } finally {
      await close();
    }
  }
  const client = createOpenSearchClient(config.opensearchUrl, { auth: serverAuth(config, 'opensearch') });
  try {
    await client.indices.delete({ index: `${run.indexPrefix}*`, expand_wildcards: 'all' }, { ignore: [404] });
  } finally {
    await client.close();
  }
}

/**
 * Every secret of the secured stack, in each form it could leak in: the token, the passwords
 * (and the key store's), HTTP basic credentials as base64, and the token signing key as base64.
 */
export function stackSecrets(): { readonly name: string; readonly value: string }[] {
  const m = SECURE_MATERIAL;
  const read = (file: string) => readFileSync(file, 'utf8').trim();
  const key = readFileSync(m.pulsar.secretKeyFile);
  const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
  // The SASL PLAIN message Gremlin's authenticator sends: \0user\0password, base64.
  const sasl = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`).toString('base64');
  return [
    { name: 'the Pulsar token', value: read(m.pulsar.refractTokenFile) },
    { name: 'the Pulsar token\'s signature', value: read(m.pulsar.refractTokenFile).split('.')[2] ?? '' },
    { name: 'the broker\'s admin token', value: read(m.pulsar.adminTokenFile) },
    { name: 'the token signing key (base64)', value: key.toString('base64') },
    { name: 'the token signing key (base64url)', value: key.toString('base64url') },
    { name: 'the JanusGraph password', value: read(m.janusgraph.passwordFile) },
    { name: 'the JanusGraph basic credentials', value: basic(m.janusgraph.username, read(m.janusgraph.passwordFile)) },
    { name: 'the JanusGraph SASL PLAIN message', value: sasl(m.janusgraph.username, read(m.janusgraph.passwordFile)) },
    { name: 'the OpenSearch password', value: read(m.opensearch.passwordFile) },
    { name: 'the OpenSearch basic credentials', value: basic(m.opensearch.username, read(m.opensearch.passwordFile)) },
    { name: 'the key store password', value: read(m.keystorePasswordFile) },
  ];
}

/** Each (secret, place) where a secret appears in the texts: empty when nothing leaked. */
export function leaks(texts: Readonly<Record<string, string>>, secrets = stackSecrets()): string[] {
  return Object.entries(texts).flatMap(([place, text]) =>
    secrets.filter((s) => text.includes(s.value)).map((s) => `${s.name} in ${place}`));
}
