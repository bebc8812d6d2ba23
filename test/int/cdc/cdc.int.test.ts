import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCdcService, type CdcLaunch } from '../../../scripts/services/cdc-build.ts';
import { servicesRoot } from '../../../scripts/services/context.ts';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { createOpenSearchVectorStore } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import { createPulsarDeadLetters } from '../../../src/adapters/pulsar/pulsar-dead-letters.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { startRunner, type RunnerProcess } from '../../support/runner-process.ts';
import { testRun } from '../../support/test-run.ts';
import { startCdcPostgres, type CdcPostgres } from './cdc-postgres.ts';

/**
 * The CDC leg on real servers: a PostgreSQL of this test's own (logical decoding; cdc-postgres.ts), the Debezium
 * service (services/cdc) publishing to Pulsar, `refract cdc run` translating, and `refract run`
 * applying to JanusGraph and OpenSearch. Rows inserted, updated twice in one transaction and
 * deleted end in both stores at the right versions; a column added does not stop anything; a
 * change to an unmapped table is dead-lettered with its reason; the Debezium service killed -9
 * mid-stream and restarted loses nothing and duplicates nothing on the raw topic.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const run = testRun('cdc');
const { prefix, where, gremlinUrl, opensearchUrl, workDir } = run;
const logOf = (name: string) => join(workDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`);
const logs = new Set<string>();
let database: CdcPostgres | undefined;
let pgUrl = '';
let launch: CdcLaunch;
const children: ChildProcess[] = [];
let runner: RunnerProcess | undefined;

const env = () => ({
  ...run.env, REFRACT_POSTGRES_URL: pgUrl,
  REFRACT_CDC_PG_HOST: '127.0.0.1', REFRACT_CDC_PG_PORT: String(database?.port), REFRACT_CDC_PG_DATABASE: 'refract',
  REFRACT_CDC_PULSAR_URL: serviceEndpoints('pulsar').brokerUrl,
  REFRACT_CDC_PULSAR_TENANT: where.tenant, REFRACT_CDC_PULSAR_NAMESPACE: where.namespace,
  REFRACT_CDC_TABLES: 'public.persons,public.companies,public.audit_log', REFRACT_CDC_OFFSETS_FILE: join(workDir, 'cdc-offsets.dat'),
});

beforeAll(async () => {
  database = await startCdcPostgres('postgres-cdc-test');
  pgUrl = database.url;
  await sql(`
    create table public.companies (id text primary key, legal_name text not null, registration_number text not null, industry text not null,
      city text not null, country char(2) not null, founded_on date not null, description text);
    create table public.persons (id text primary key, full_name text not null, date_of_birth date not null, nationality char(2) not null,
      city text not null, occupation text not null, employer_id text, risk_rating text not null, description text);
    create table public.audit_log (id serial primary key, note text);`);
  launch = await buildCdcService({ buildDir: join(servicesRoot(), 'cdc-build'), log: (m) => console.log(`cdc build: ${m}`) });
}, 600_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  runner?.kill('SIGKILL');
  await database?.stop().catch(() => undefined);
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('the CDC leg on the real servers', () => {
  it('brings inserts, two updates in one transaction and deletes to both stores; survives kill -9 of the Debezium service', async () => {
    // An operator captures a table the app does not map (yet): its changes must be dead-lettered, not lost or fatal.
    await sql('create publication refract_cdc for table public.audit_log');
    const init = await refract(['cdc', 'init', '--event-log', 'pulsar']);
    expect(init.code, init.output).toBe(0);
    expect(init.output).toMatch(/publication refract_cdc: added public.persons, public.companies/);
    expect(init.output).toMatch(/replication slot refract_cdc: created/);
    expect(init.output).toMatch(/raw topics cdc-public-audit_log, cdc-public-companies, cdc-public-persons/);
    expect((await refract(['cdc', 'init', '--event-log', 'pulsar'])).output).toMatch(/publication refract_cdc: present[\s\S]*slot refract_cdc: present/);

    let debezium = startDebezium();
    const translator = startCli(['cdc', 'run', '--event-log', 'pulsar']);
    runner = startRunner(env(), join(workDir, 'runner.log'));
    // Debezium streams from the slot once its (here empty) snapshot is done: from then on every change is captured as it happens.
    await until(slotActive, 120_000, 'Debezium to read the slot', () => tail());

    const id = (n: string) => `${prefix}${n}`;
    await sql(`insert into public.companies values ('${id('c1')}', 'Acme Ltd', 'R-1', 'logistics', 'Lyon', 'FR', '2001-05-04', null)`);
    await sql(`insert into public.persons values
      ('${id('p1')}', 'Ana Lima', '1989-03-02', 'PT', 'Porto', 'nurse', '${id('c1')}', 'low', 'Night shifts'),
      ('${id('p2')}', 'Ben Roy', '1979-01-01', 'FR', 'Lyon', 'baker', null, 'medium', null)`);
    const before = await lsn();
    await sql(`begin;
      update public.persons set city = 'Braga' where id = '${id('p1')}';
      update public.persons set city = 'Faro', occupation = 'surgeon' where id = '${id('p1')}';
      commit;`);
    const after = await lsn();
    await sql(`delete from public.persons where id = '${id('p2')}'`);
    await sql(`insert into public.audit_log (note) values ('not mapped')`);
    await sql('alter table public.persons add column nickname text');
    await sql(`insert into public.persons values ('${id('p3')}', 'Cy Dee', '1990-12-31', 'DE', 'Kyiv', 'pilot', null, 'high', null, 'cy')`);

    const janus = createJanusGraphStore({ url: gremlinUrl });
    const vectors = createOpenSearchVectorStore({ node: opensearchUrl, dimension: 384 });
    try {
      await until(async () => {
        const v = await janus.get([id('p1'), id('p2'), id('p3')]);
        return v.get(id('p1'))?.properties['city'] === 'Faro' && v.get(id('p2'))?.deleted === true && v.has(id('p3'));
      }, 180_000, 'the changes in JanusGraph', () => tail());
      const vertices = await janus.get([id('p1'), id('p2'), id('p3'), id('c1')]);
      const p1 = vertices.get(id('p1'));
      // The second update's own LSN: above the transaction's start, at most its end.
      expect(p1?.version).toBeGreaterThan(before);
      expect(p1?.version).toBeLessThanOrEqual(after);
      expect(p1).toMatchObject({ label: 'person', deleted: false, properties: { city: 'Faro', occupation: 'surgeon' } });
      expect(p1?.edges).toEqual([{ label: 'EMPLOYED_BY', to: { label: 'company', id: id('c1') }, properties: {} }]);
      expect(vertices.get(id('c1'))).toMatchObject({ label: 'company', deleted: false });
      expect(vertices.get(id('p3'))).toMatchObject({ deleted: false, properties: { city: 'Kyiv' } });
      await until(async () => (await vectors.get('person', [id('p1'), id('p3')])).size === 2, 60_000, 'the person documents', () => tail());
      const docs = await vectors.get('person', [id('p1'), id('p2'), id('p3')]);
      expect(docs.get(id('p1'))).toMatchObject({ version: p1?.version, deleted: false, fields: { city: 'Faro' } });
      expect(docs.get(id('p2'))).toMatchObject({ deleted: true });

      const deadLetters = createPulsarDeadLetters({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });
      await until(async () => (await deadLetters.depth('cdc')) >= 1, 60_000, 'the unmapped change in the dead letters', () => tail());
      const letters = await deadLetters.list('cdc', 10);
      expect(letters.map((l) => [l.code, l.sourceTopic.split('/').pop()])).toEqual([['CDC.UNMAPPED_TABLE', 'cdc-public-audit_log']]);
      expect(letters[0]?.reason).toMatch(/public\.audit_log has no mapping/);

      // kill -9 of the Debezium service while rows stream in, then a restart: nothing lost, nothing twice.
      const rows = 300;
      const writing = (async () => {
        for (let n = 0; n < rows; n++) {
          await sql(`insert into public.persons (id, full_name, date_of_birth, nationality, city, occupation, risk_rating)
            values ('${id(`bulk-${n}`)}', 'Bulk ${n}', '1990-01-01', 'PT', 'Porto', 'clerk', 'low')`);
        }
      })();
      await sleep(1_500);
      debezium.kill('SIGKILL');
      await writing;
      debezium = startDebezium();
      await until(slotActive, 120_000, 'the restarted Debezium to read the slot', () => tail());
      const bulkIds = Array.from({ length: rows }, (_, n) => id(`bulk-${n}`));
      await until(async () => (await janus.get(bulkIds)).size === rows, 240_000, 'every bulk row in JanusGraph', () => tail());
      const raw = await rawChanges('cdc-public-persons');
      expect(raw.filter((k) => k.includes('bulk-')).length).toBe(rows); // the broker dropped every resend
      expect(new Set(raw).size).toBe(raw.length);
      expect(translator.exitCode).toBeNull();
    } finally {
      await Promise.all([janus.close(), vectors.close()]);
    }
  }, 900_000);
});

function startDebezium(): ChildProcess {
  const child = spawn(launch.command, [...launch.args], { cwd: workDir, env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  const file = logOf('debezium');
  logs.add(file);
  child.stdout?.on('data', (c: Buffer) => appendFileSync(file, c.toString()));
  child.stderr?.on('data', (c: Buffer) => appendFileSync(file, c.toString()));
  children.push(child);
  return child;
}

function startCli(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', ...args], {
    cwd: REPO, env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const file = logOf(args.slice(0, 2).join(' '));
  logs.add(file);
  child.stdout?.on('data', (c: Buffer) => appendFileSync(file, c.toString()));
  child.stderr?.on('data', (c: Buffer) => appendFileSync(file, c.toString()));
  children.push(child);
  return child;
}

function refract(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const child = startCli(args);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** One statement on the test's PostgreSQL, on a connection of its own. */
async function query<R extends object = object>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

const sql = async (text: string): Promise<void> => { await query(text); };

const slotActive = async (): Promise<boolean> =>
  (await query<{ active: boolean }>("select active from pg_replication_slots where slot_name = 'refract_cdc'"))[0]?.active === true;

/** The server's current WAL position as a number, comparable with event versions. */
async function lsn(): Promise<number> {
  const text = (await query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'))[0]?.lsn ?? '0/0';
  const [hi, lo] = text.split('/').map((part) => parseInt(part, 16));
  return (hi ?? 0) * 2 ** 32 + (lo ?? 0);
}

/** Every message on a raw topic, as key + LSN: what the broker persisted. */
async function rawChanges(topic: string): Promise<string[]> {
  const eventLog = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });
  const reader = await eventLog.read({ topics: [topic] });
  const seen: string[] = [];
  try {
    for (let page = await reader.next(500); page.length; page = await reader.next(500)) {
      seen.push(...page.map((m) => `${m.key}@${m.properties['refract.cdc.lsn'] ?? '?'}`));
    }
  } finally {
    await reader.close();
    await eventLog.close();
  }
  return seen;
}

/** The end of each process's output: the runner's, the translator's and Debezium's. */
const tail = () => [...logs, join(workDir, 'runner.log')].map((file) => {
  try {
    return `--- ${file}\n${readFileSync(file, 'utf8').slice(-2500)}`;
  } catch {
    return `--- ${file}: no output`;
  }
}).join('\n');

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await sleep(500);
  }
}
