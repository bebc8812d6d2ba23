import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findJava } from './java.ts';
import { janusgraphSecureOptions, writeSecureServerConfig, type JanusGraphSecureOptions } from './janusgraph-secure.ts';
import { resolveMaven } from './maven.ts';
import type { ServiceContext, ServiceDefinition, SpawnSpec } from './service.ts';

/** JanusGraph Server on durable BerkeleyJE, resolved from Maven Central and run on the local JDK. */
export const JANUSGRAPH_VERSION = '1.1.0';
/** 1.1 is tested on Java 8 and 11; the lowest JDK here at or above 11 is used (17 on our machines). */
const JAVA_MAJOR = 11;

const ARTIFACTS = [
  `org.janusgraph:janusgraph-server:${JANUSGRAPH_VERSION}`,
  `org.janusgraph:janusgraph-berkeleyje:${JANUSGRAPH_VERSION}`,
  // JanusGraph logs through SLF4J 1.7 and ships no binding; 2.23.1 is the log4j-api its BOM pins.
  'org.apache.logging.log4j:log4j-slf4j-impl:2.23.1',
  'org.apache.logging.log4j:log4j-core:2.23.1',
];

/** Templates and static config, copied into .services/janusgraph/conf by prepare. */
const TEMPLATES = fileURLToPath(new URL('../../services/janusgraph/', import.meta.url));
const CONF_FILES = ['janusgraph-server.yaml', 'janusgraph-berkeleyje.properties', 'init.groovy', 'log4j2.xml'];

/** What TinkerPop's own scripts open on Java 9+; JanusGraph 1.1 is only tested on 8 and 11. */
const ADD_OPENS = [
  'java.base/java.io', 'java.base/java.nio', 'java.base/sun.nio.cs', 'java.base/java.lang',
  'java.base/java.lang.invoke', 'java.base/java.lang.reflect', 'java.base/java.util',
  'java.base/java.util.concurrent', 'java.base/java.util.concurrent.atomic', 'java.base/java.net',
].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`);

/** GraphSON 3: the JS driver's GraphBinary reader fails on JanusGraph's own types. */
export const GRAPHSON3 = 'application/vnd.gremlin-v3.0+json';

const PROBE_SCRIPT =
  'g.inject(1).iterate(); ' +
  '"JanusGraph " + org.janusgraph.graphdb.configuration.JanusGraphConstants.VERSION + ' +
  '" (TinkerPop " + Gremlin.version() + ")"';
const PROBE_TIMEOUT_MS = 5_000;

export const janusgraph: ServiceDefinition = {
  name: 'janusgraph',
  defaultPorts: { gremlin: 8182 },
  portEnv: { gremlin: 'REFRACT_JANUSGRAPH_PORT' },
  readyTimeoutMs: 180_000,

  async prepare(ctx: ServiceContext): Promise<void> {
    findJava(JAVA_MAJOR);
    await resolveMaven({
      outDir: join(ctx.dir, 'lib'),
      artifacts: ARTIFACTS,
      // JanusGraph's own managed versions: nearest-wins picks commons-lang3 3.12, which
      // commons-text 1.12 cannot run on (NoSuchMethodError Range.of at start-up).
      boms: [`org.janusgraph:janusgraph:${JANUSGRAPH_VERSION}`],
      log: ctx.log,
    });
    const conf = join(ctx.dir, 'conf');
    await mkdir(conf, { recursive: true });
    await mkdir(join(ctx.dir, 'data'), { recursive: true });
    const values: Record<string, string> = {
      PORT: String(gremlinPort(ctx)),
      CONF_DIR: conf,
      DATA_DIR: join(ctx.dir, 'data'),
    };
    for (const file of CONF_FILES) {
      const template = await readFile(join(TEMPLATES, file), 'utf8');
      await writeFile(join(conf, file), fill(template, values));
    }
    // Secured folder: TLS and authentication appended to the server config (janusgraph-secure.ts).
    if (ctx.secure) {
      await writeSecureServerConfig({ material: ctx.secure, templates: TEMPLATES, conf, dataDir: join(ctx.dir, 'data'), fill });
    }
  },

  spawn(ctx: ServiceContext): SpawnSpec {
    const conf = join(ctx.dir, 'conf');
    return {
      command: findJava(JAVA_MAJOR).bin,
      args: [
        '-Xms256m', '-Xmx768m', '-Xss512k',
        ...ADD_OPENS,
        '-Dio.netty.tryReflectionSetAccessible=true',
        '-Djava.net.preferIPv4Stack=true',
        `-Dlog4j2.configurationFile=${join(conf, 'log4j2.xml')}`,
        '-cp', `${conf}:${join(ctx.dir, 'lib', '*')}`,
        'org.janusgraph.graphdb.server.JanusGraphServer',
        join(conf, 'janusgraph-server.yaml'),
      ],
      cwd: ctx.dir,
    };
  },

  async probe(ctx: ServiceContext): Promise<string> {
    const port = gremlinPort(ctx);
    const client = new (gremlinDriver().driver.Client)(
      ctx.secure ? janusgraphUrl(port, '127.0.0.1', 'wss') : janusgraphUrl(port),
      { mimeType: GRAPHSON3, traversalSource: 'g', ...(ctx.secure ? await janusgraphSecureOptions(ctx.secure) : {}) },
    );
    try {
      const result = await withTimeout(client.submit(PROBE_SCRIPT), PROBE_TIMEOUT_MS, 'JanusGraph probe');
      const version: unknown = result.first();
      if (typeof version !== 'string') throw new Error(`unexpected probe answer: ${JSON.stringify(version)}`);
      return version;
    } finally {
      // A half-open socket can stall the close handshake: never let it hold the probe.
      await withTimeout(client.close(), 1_000, 'closing the probe connection').catch(() => undefined);
    }
  },
};

/** The WebSocket endpoint the gremlin driver connects to (`wss` on a secured folder's server). */
export function janusgraphUrl(port: number, host = '127.0.0.1', scheme: 'ws' | 'wss' = 'ws'): string {
  return `${scheme}://${host}:${port}/gremlin`;
}

function gremlinPort(ctx: ServiceContext): number {
  return ctx.ports.gremlin ?? 8182;
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A probe client's options; on a secured folder's server also TLS trust and SASL (janusgraph-secure.ts). */
interface ProbeClientOptions extends Partial<JanusGraphSecureOptions> {
  readonly mimeType: string;
  readonly traversalSource: string;
}

/** The slice of the untyped `gremlin` package the probe uses (no @types/gremlin installed). */
interface GremlinDriver {
  readonly driver: {
    readonly Client: new (url: string, options: ProbeClientOptions) => {
      submit(script: string, bindings?: Record<string, unknown>): Promise<{ first(): unknown }>;
      close(): Promise<void>;
    };
  };
}

function gremlinDriver(): GremlinDriver {
  return createRequire(import.meta.url)('gremlin') as GremlinDriver;
}
