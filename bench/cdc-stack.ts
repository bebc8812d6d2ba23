import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { resolvePorts, serviceContext } from '../scripts/services/context.ts';
import { postgres } from '../scripts/services/postgres.ts';
import { SERVICES } from '../scripts/services/registry.ts';
import { probeOnce, startService, stopService } from '../scripts/services/run-service.ts';
import type { ServiceContext, ServiceName } from '../scripts/services/service.ts';
import { freePort } from '../test/support/free-port.ts';

/**
 * What `npm run bench:cdc` runs on: the user's Pulsar, JanusGraph and OpenSearch (found on
 * REFRACT_PULSAR_URL, REFRACT_PULSAR_BROKER_PORT, REFRACT_JANUSGRAPH_URL, REFRACT_OPENSEARCH_URL
 * or the defaults), plus a PostgreSQL of the bench's own and the processes of the CDC leg.
 */
export const REPO = fileURLToPath(new URL('../', import.meta.url));

export interface CdcBenchStack {
  readonly webUrl: string;
  readonly brokerUrl: string;
  readonly gremlinUrl: string;
  readonly opensearchUrl: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The three servers' URLs when each answers its launcher probe; otherwise which did not. */
export async function findCdcBenchStack(env: NodeJS.ProcessEnv = process.env): Promise<CdcBenchStack | { missing: string[] }> {
  const webUrl = env['REFRACT_PULSAR_URL'] || 'http://127.0.0.1:8080';
  const brokerUrl = `pulsar://${new URL(webUrl).hostname}:${env['REFRACT_PULSAR_BROKER_PORT'] || '6650'}`;
  const gremlinUrl = env['REFRACT_JANUSGRAPH_URL'] || 'ws://127.0.0.1:8182/gremlin';
  const opensearchUrl = env['REFRACT_OPENSEARCH_URL'] || 'http://127.0.0.1:9200';
  const versions: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, url, key] of [['pulsar', webUrl, 'web'], ['janusgraph', gremlinUrl, 'gremlin'], ['opensearch', opensearchUrl, 'http']] as const) {
    const version = await probe(name, url, key);
    if (version) versions[name] = version;
    else missing.push(`${name} on ${url}`);
  }
  return missing.length ? { missing } : { webUrl, brokerUrl, gremlinUrl, opensearchUrl, versions };
}

/** The launcher's own probe of a server, on the port of its URL (the probes talk to 127.0.0.1). */
async function probe(name: ServiceName, url: string, portKey: string): Promise<string | undefined> {
  const def = SERVICES.find((s) => s.name === name);
  if (!def) throw new Error(`unknown service ${name}`);
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost'].includes(parsed.hostname)) return 'not probed (remote)';
  const ports = { ...resolvePorts(def), ...(parsed.port ? { [portKey]: Number(parsed.port) } : {}) };
  return probeOnce(def, serviceContext(def, { log: () => undefined, ports }));
}

/** A folder of the bench's own (logs, offsets, PostgreSQL's cluster), searchable by the `postgres` user. */
export async function benchFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'refract-bench-cdc-'));
  await chmod(dir, 0o755);
  return dir;
}

export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  /** Stops the cluster and deletes its data. */
  stop(): Promise<void>;
}

/** A PostgreSQL cluster (wal_level=logical) started by the launcher's definition on a free port under `root`. */
export async function startPrivatePostgres(root: string, log: (message: string) => void): Promise<PrivatePostgres> {
  const port = await freePort();
  const ctx: ServiceContext = { dir: join(root, 'postgres'), ports: { sql: port }, log };
  const stop = async () => {
    await stopService(postgres, ctx).catch(() => undefined);
    await rm(ctx.dir, { recursive: true, force: true });
  };
  try {
    await startService(postgres, ctx);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/refract`, port, stop };
}

/** A child process of the bench: its output in `<root>/<name>.log`, stopped gently, then for good. */
export interface BenchChild {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
  tail(): string;
}

export function spawnLogged(
  name: string, command: string, args: readonly string[], options: { cwd: string; env: Readonly<Record<string, string>>; root: string },
): BenchChild {
  const logFile = join(options.root, `${name}.log`);
  const child = spawn(command, [...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const note = (chunk: Buffer) => appendFileSync(logFile, chunk);
  child.stdout?.on('data', note);
  child.stderr?.on('data', note);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  return {
    name, logFile, child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    tail: () => tailOf(name, logFile),
  };
}

export function tailOf(name: string, file: string): string {
  try {
    return `--- ${name} (${file})\n${readFileSync(file, 'utf8').slice(-2500)}`;
  } catch {
    return `--- ${name}: no output`;
  }
}

/** `refract <args>` from the sources, as `npm run refract` would run it. */
export function refractArgs(args: readonly string[]): string[] {
  return ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', ...args];
}

export async function withPg<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Whether the CDC service reads the replication slot (it streams every change from then on). */
export const slotActive = (url: string, slot: string) => withPg(url, async (client) =>
  (await client.query<{ active: boolean }>('select active from pg_replication_slots where slot_name = $1', [slot])).rows[0]?.active === true);

export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}\n${context()}`);
    await sleep(250);
  }
}


interface GremlinSlice {
  readonly driver: {
    readonly DriverRemoteConnection: new (url: string, options: { mimeType: string; traversalSource: string }) => Closable;
  };
  readonly process: {
    readonly AnonymousTraversalSource: { traversal(): { withRemote(connection: unknown): { V(): DropTraversal } } };
    readonly P: { within(...values: string[]): unknown };
  };
}
interface Closable {
  close(): Promise<void>;
}
interface DropTraversal {
  has(key: string, predicate: unknown): DropTraversal;
  drop(): DropTraversal;
  iterate(): Promise<void>;
}

/** Removes the bench's vertices by their ids, a few hundred per traversal (the unique entity_id index finds each). */
export async function dropVertices(gremlinUrl: string, ids: readonly string[]): Promise<void> {
  const gremlin = createRequire(import.meta.url)('gremlin') as GremlinSlice;
  const connection = new gremlin.driver.DriverRemoteConnection(gremlinUrl, { mimeType: 'application/vnd.gremlin-v3.0+json', traversalSource: 'g' });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  try {
    for (let at = 0; at < ids.length; at += 250) {
      await g.V().has('entity_id', gremlin.process.P.within(...ids.slice(at, at + 250))).drop().iterate();
    }
  } finally {
    await connection.close();
  }
}

/** Deletes the vector indices under the bench's own index prefix (aliases go with them). */
export async function deleteIndices(opensearchUrl: string, prefix: string): Promise<void> {
  const listed = await fetch(`${opensearchUrl}/_cat/indices/${prefix}*?format=json&h=index`);
  if (!listed.ok) throw new Error(`listing indices ${prefix}*: HTTP ${listed.status}`);
  const names = ((await listed.json()) as { index: string }[]).map((i) => i.index).filter((name) => name.startsWith(prefix));
  if (!names.length) return;
  const res = await fetch(`${opensearchUrl}/${names.join(',')}`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`deleting ${names.join(', ')}: HTTP ${res.status} ${await res.text()}`);
}
