import { spawn as spawnChild } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findJava } from './java.ts';
import { resolveMaven } from './maven.ts';
import {
  SECURE_PROPERTY, removeSecurityConfig, secureOpenSearchGet, securityClasspath, unpackSecurity, writeSecurityConfig,
} from './opensearch-secure.ts';
import type { ServiceContext, ServiceDefinition, SpawnSpec } from './service.ts';

/**
 * OpenSearch 2.19.1 with the k-NN plugin, run as one embedded node from Maven Central jars
 * (services/opensearch/.../EmbeddedOpenSearch.java). The k-NN zip on Central carries no
 * native libraries, so only its Lucene engine works. Security is off (no security plugin)
 * unless the services folder is secured: then opensearch-secure.ts adds the security plugin,
 * TLS on HTTP and transport, and basic authentication.
 */
export const OPENSEARCH_VERSION = '2.19.1';
const KNN_VERSION = '2.19.1.0';
const KNN_PLUGIN_CLASS = 'org.opensearch.knn.plugin.KNNPlugin';
const MAIN_CLASS = 'dev.refract.services.opensearch.EmbeddedOpenSearch';
const SOURCE = fileURLToPath(new URL(
  '../../services/opensearch/src/main/java/dev/refract/services/opensearch/EmbeddedOpenSearch.java', import.meta.url));

// Gradle-published OpenSearch POMs exclude every transitive dependency of their own
// modules, so the modules whose dependencies matter (x-content: Jackson) are listed here,
// and log4j-core, which the server's POM marks optional.
const ARTIFACTS = [
  'org.apache.logging.log4j:log4j-core:2.21.0',
  `org.opensearch:opensearch:${OPENSEARCH_VERSION}`,
  `org.opensearch:opensearch-core:${OPENSEARCH_VERSION}`,
  `org.opensearch:opensearch-x-content:${OPENSEARCH_VERSION}`,
  `org.opensearch:opensearch-cli:${OPENSEARCH_VERSION}`,
  `org.opensearch:opensearch-compress:${OPENSEARCH_VERSION}`,
  `org.opensearch.plugin:transport-netty4-client:${OPENSEARCH_VERSION}`,
  `org.opensearch.plugin:lang-painless:${OPENSEARCH_VERSION}`,
  `org.opensearch.plugin:analysis-common:${OPENSEARCH_VERSION}`,
];

/** OpenSearch 2.19 runs on Java 11+; 17 is what this project's machines have by default (25 also works). */
const JAVA_MAJOR = 17;

function jdkTool(tool: 'java' | 'javac' | 'jar'): string {
  return join(dirname(findJava(JAVA_MAJOR).bin), tool);
}

function classpath(dir: string, secure = false): string {
  const plugins = secure ? [securityClasspath(dir), join(dir, 'knn', '*')] : [join(dir, 'knn', '*')];
  return [join(dir, 'classes'), join(dir, 'lib', '*'), ...plugins].join(delimiter);
}

function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-8000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new Error(`OPENSEARCH.PREPARE_FAILED: cannot run ${command} (${error.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`OPENSEARCH.PREPARE_FAILED: ${command} exited ${code}\n${output}`));
    });
  });
}

/** Runs `step` unless `output` exists and `<output>.done` records `key`; records it afterwards. */
async function once(output: string, key: string, step: () => Promise<void>): Promise<void> {
  const marker = `${output}.done`;
  if (existsSync(output) && existsSync(marker) && (await readFile(marker, 'utf8')) === key) return;
  await rm(output, { recursive: true, force: true });
  await step();
  await writeFile(marker, key);
}

async function unpackKnn(ctx: ServiceContext): Promise<void> {
  const [zip] = await resolveMaven({
    outDir: join(ctx.dir, 'knn-dist'), artifacts: [`org.opensearch.plugin:opensearch-knn:${KNN_VERSION}:zip`],
    transitive: false, log: ctx.log,
  });
  if (!zip) throw new Error('OPENSEARCH.PREPARE_FAILED: the k-NN zip did not resolve');
  const knn = join(ctx.dir, 'knn');
  await once(knn, zip, async () => {
    await mkdir(knn, { recursive: true });
    await run(jdkTool('jar'), ['xf', join(ctx.dir, 'knn-dist', zip)], knn);
  });
}

async function compileMain(ctx: ServiceContext, libs: readonly string[]): Promise<void> {
  const source = await readFile(SOURCE, 'utf8');
  const key = createHash('sha256').update(source).update(libs.join('\n')).update(KNN_VERSION).digest('hex');
  const classes = join(ctx.dir, 'classes');
  await once(classes, key, async () => {
    ctx.log('compiling EmbeddedOpenSearch.java');
    await run(jdkTool('javac'), ['--release', '11', '-cp', classpath(ctx.dir), '-d', classes, SOURCE], ctx.dir);
  });
}

const LOG4J2 = `status = error
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = \${sys:refract.opensearch.logs}/opensearch.log
appender.file.filePattern = \${sys:refract.opensearch.logs}/opensearch-%i.log
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] %m%n
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] %m%n
appender.console.filter.threshold.type = ThresholdFilter
appender.console.filter.threshold.level = warn
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
rootLogger.appenderRef.console.ref = console
`;

export const opensearch: ServiceDefinition = {
  name: 'opensearch',
  defaultPorts: { http: 9200, transport: 9300 },
  portEnv: { http: 'REFRACT_OPENSEARCH_PORT', transport: 'REFRACT_OPENSEARCH_TRANSPORT_PORT' },
  readyTimeoutMs: 180_000,

  async prepare(ctx) {
    const libs = await resolveMaven({ outDir: join(ctx.dir, 'lib'), artifacts: ARTIFACTS, log: ctx.log });
    await unpackKnn(ctx);
    await compileMain(ctx, libs);
    for (const sub of ['config', 'data', 'logs', 'tmp']) await mkdir(join(ctx.dir, sub), { recursive: true });
    await writeFile(join(ctx.dir, 'config', 'log4j2.properties'), LOG4J2);
    if (ctx.secure) {
      await unpackSecurity(ctx, jdkTool('jar'), run, once);
      await writeSecurityConfig(ctx, ctx.secure, jdkTool('java'), [securityClasspath(ctx.dir), join(ctx.dir, 'lib', '*')].join(delimiter));
    } else {
      await removeSecurityConfig(ctx);
    }
  },

  spawn(ctx): SpawnSpec {
    const { dir, ports } = ctx;
    const heap = process.env['REFRACT_OPENSEARCH_HEAP'] ?? '1g';
    const jvm = [
      `-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', '-Dfile.encoding=UTF-8',
      '-Djna.nosys=true', '-Dio.netty.noUnsafe=true', '-Dio.netty.noKeySetOptimization=true',
      '-Dio.netty.recycler.maxCapacityPerThread=0', '-Dlog4j.shutdownHookEnabled=false', '-Dlog4j2.disable.jmx=true',
      `-Dlog4j.configurationFile=${join(dir, 'config', 'log4j2.properties')}`,
      `-Drefract.opensearch.logs=${join(dir, 'logs')}`, `-Djava.io.tmpdir=${join(dir, 'tmp')}`,
    ];
    const node = {
      'cluster.name': 'refract', 'node.name': 'refract-opensearch', 'discovery.type': 'single-node',
      'path.home': dir, 'path.data': join(dir, 'data'), 'path.logs': join(dir, 'logs'),
      'network.host': '127.0.0.1', 'http.port': String(ports['http'] ?? 9200),
      'transport.port': String(ports['transport'] ?? 9300),
      // A development disk is often over 90 % full; the default watermarks would then block writes.
      'cluster.routing.allocation.disk.threshold_enabled': 'false',
    };
    const secure = ctx.secure ? [SECURE_PROPERTY] : [];
    const args = [...jvm, ...secure, '-cp', classpath(dir, ctx.secure !== undefined), MAIN_CLASS,
      ...Object.entries(node).map(([k, v]) => `${k}=${v}`)];
    return { command: jdkTool('java'), args, cwd: dir };
  },

  async probe(ctx) {
    const { secure } = ctx;
    const base = `${secure ? 'https' : 'http'}://127.0.0.1:${ctx.ports['http'] ?? 9200}`;
    const get = async <T>(path: string): Promise<T> => {
      if (secure) {
        const response = await secureOpenSearchGet(secure, base + path, 5000);
        if (response.status !== 200) throw new Error(`OPENSEARCH.UNAVAILABLE: GET ${path} answered ${response.status}`);
        return JSON.parse(response.text) as T;
      }
      const response = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`OPENSEARCH.UNAVAILABLE: GET ${path} answered ${response.status}`);
      return (await response.json()) as T;
    };
    const info = await get<{ version?: { number?: string; distribution?: string } }>('/');
    const nodes = await get<{ nodes?: Record<string, NodeInfo> }>('/_nodes/_local/plugins');
    const node = Object.values(nodes.nodes ?? {})[0];
    // Installed (distribution, container): name opensearch-knn with a version. From the
    // classpath (our launcher): the class name, version NA, and the version as a node attribute.
    const knn = node?.plugins?.find((p) => p.name === 'opensearch-knn' || p.classname === KNN_PLUGIN_CLASS);
    if (!knn) throw new Error(`OPENSEARCH.NO_KNN: the node at ${base} has no k-NN plugin loaded`);
    const knnVersion = node?.attributes?.['knn_version'] ?? knn.version ?? 'unknown';
    return `${info.version?.distribution ?? 'opensearch'} ${info.version?.number ?? '?'}, k-NN ${knnVersion}`;
  },
};

interface NodeInfo {
  readonly attributes?: Record<string, string>;
  readonly plugins?: readonly { readonly name?: string; readonly classname?: string; readonly version?: string }[];
}
