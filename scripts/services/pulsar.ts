import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findJava } from './java.ts';
import { resolveMaven } from './maven.ts';
import { pulsarSecureConf, securePulsarGet } from './pulsar-secure.ts';
import type { ServiceContext, ServiceDefinition, SpawnSpec } from './service.ts';

/** Pulsar 4.0 LTS (4.0.8's closure is incomplete on the Central we reach; 4.0.7 resolves whole). Needs Java 21+. */
export const PULSAR_VERSION = '4.0.7';
const JAVA_MAJOR = 21;

const TEMPLATES = fileURLToPath(new URL('../../services/pulsar/', import.meta.url));
const PROBE_TIMEOUT_MS = 5_000;

/** What Pulsar's bin/pulsar passes on Java 9+ (BookKeeper crashes without java.util.zip). */
const ADD_OPENS = [
  'java.base/java.io', 'java.base/java.util.zip', 'java.base/java.nio', 'java.base/java.lang',
  'java.base/jdk.internal.misc', 'java.base/sun.net', 'java.management/sun.management',
  'jdk.management/com.sun.management.internal', 'java.base/jdk.internal.platform',
].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`);

/** Pulsar standalone: broker + in-process bookie + RocksDB metadata, WebSocket API and deduplication on. */
export const pulsar: ServiceDefinition = {
  name: 'pulsar',
  defaultPorts: { web: 8080, broker: 6650, bookie: 3181 },
  portEnv: { web: 'REFRACT_PULSAR_WEB_PORT', broker: 'REFRACT_PULSAR_BROKER_PORT', bookie: 'REFRACT_PULSAR_BOOKIE_PORT' },
  readyTimeoutMs: 180_000,

  async prepare(ctx: ServiceContext): Promise<void> {
    findJava(JAVA_MAJOR);
    await resolveMaven({
      outDir: join(ctx.dir, 'lib'),
      artifacts: [`org.apache.pulsar:pulsar-broker:${PULSAR_VERSION}`],
      // The versions Pulsar's own distribution ships (log4j, netty…), not Maven's nearest-wins.
      boms: [`org.apache.pulsar:pulsar:${PULSAR_VERSION}`],
      log: ctx.log,
    });
    const conf = join(ctx.dir, 'conf');
    await mkdir(conf, { recursive: true });
    const template = await readFile(join(TEMPLATES, 'standalone.conf'), 'utf8');
    // Secured: TLS-only ports, token authentication, authorisation (services/pulsar/secure.conf).
    const tail = ctx.secure
      ? await pulsarSecureConf(TEMPLATES, ctx.secure, { web: port(ctx, 'web'), broker: port(ctx, 'broker') })
      : `\n### Ports (written by the launcher)\nwebServicePort=${port(ctx, 'web')}\nbrokerServicePort=${port(ctx, 'broker')}\n`;
    await writeFile(join(conf, 'standalone.conf'), template + tail);
    await copyFile(join(TEMPLATES, 'log4j2.xml'), join(conf, 'log4j2.xml'));
  },

  spawn(ctx: ServiceContext): SpawnSpec {
    const java = findJava(JAVA_MAJOR);
    const conf = join(ctx.dir, 'conf');
    const data = join(ctx.dir, 'data');
    return {
      command: java.bin,
      args: [
        '-Xms256m', '-Xmx768m', '-XX:MaxDirectMemorySize=512m', '-XX:+UseG1GC',
        ...ADD_OPENS,
        ...(java.major >= 22 ? ['--enable-native-access=ALL-UNNAMED'] : []),
        ...(java.major >= 23 ? ['--sun-misc-unsafe-memory-access=allow'] : []),
        '-Dio.netty.tryReflectionSetAccessible=true', '-Djava.net.preferIPv4Stack=true',
        `-Dlog4j2.configurationFile=${join(conf, 'log4j2.xml')}`,
        `-Dpulsar.log.dir=${join(ctx.dir, 'logs')}`,
        '-cp', join(ctx.dir, 'lib', '*'),
        'org.apache.pulsar.PulsarStandaloneStarter',
        '--config', join(conf, 'standalone.conf'),
        '-nfw', '-nss',
        '--metadata-dir', join(data, 'metadata'),
        '--bookkeeper-dir', join(data, 'bookkeeper'),
        '--bookkeeper-port', String(port(ctx, 'bookie')),
      ],
      cwd: ctx.dir,
    };
  },

  /**
   * Ready once `public/default` exists: the web API answers well before that. Secured, over
   * HTTPS trusting the folder's CA, with Refract's token.
   */
  async probe(ctx: ServiceContext): Promise<string> {
    const web = pulsarWebUrl(port(ctx, 'web'), '127.0.0.1', ctx.secure !== undefined);
    const get = async (path: string, json = true): Promise<string> => {
      const res = ctx.secure
        ? await securePulsarGet(ctx.secure, `${web}${path}`, PROBE_TIMEOUT_MS, json)
        : await plainGet(`${web}${path}`, json);
      if (res.status < 200 || res.status > 299) throw new Error(`GET ${path}: HTTP ${res.status}`);
      return res.text;
    };
    const namespaces: unknown = JSON.parse(await get('/admin/v2/namespaces/public'));
    if (!Array.isArray(namespaces) || !namespaces.includes('public/default')) {
      throw new Error(`public/default not there yet: ${JSON.stringify(namespaces)}`);
    }
    return `Pulsar ${(await get('/admin/v2/brokers/version', false)).trim()}`;
  },
};

/**
 * Base URL of the admin REST API and WebSocket API (use `ws:`, or `wss:` when `tls`, for the
 * latter). `tls` is for a secured folder, whose web service answers on HTTPS only.
 */
export function pulsarWebUrl(webPort: number, host = '127.0.0.1', tls = false): string {
  return `${tls ? 'https' : 'http'}://${host}:${webPort}`;
}

function port(ctx: ServiceContext, key: 'web' | 'broker' | 'bookie'): number {
  const value = ctx.ports[key] ?? pulsar.defaultPorts[key];
  if (value === undefined) throw new Error(`CONFIG.INVALID: no Pulsar ${key} port`);
  return value;
}

async function plainGet(url: string, json: boolean): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), ...(json ? { headers: { accept: 'application/json' } } : {}) });
  return { status: res.status, text: await res.text() };
}
