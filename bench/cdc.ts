import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { buildCdcService } from '../scripts/services/cdc-build.ts';
import { servicesRoot } from '../scripts/services/context.ts';
import { encodeEvent, type EntityEvent } from '../src/domain/index.ts';
import { initCdcSource } from '../src/adapters/debezium/postgres-source.ts';
import { createJanusGraphStore } from '../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { createOpenSearchVectorStore } from '../src/adapters/opensearch/opensearch-vector-store.ts';
import { dropNamespace } from '../src/adapters/pulsar/drop-namespace.ts';
import { initTopology } from '../src/adapters/pulsar/init-topology.ts';
import { createPulsarAdmin } from '../src/adapters/pulsar/pulsar-admin.ts';
import { createPulsarEventLog } from '../src/adapters/pulsar/pulsar-event-log.ts';
import { subscriptionStats } from '../src/adapters/pulsar/subscription-backlog.ts';
import { fullTopicName } from '../src/adapters/pulsar/topic-names.ts';
import { bankingApp } from '../src/projections/banking/banking.app.ts';
import { cdcTopicFor } from '../src/runtime/cdc-translator.ts';
import { startRunner, type RunnerProcess } from '../test/support/runner-process.ts';
import {
  measureFreshness, onTopic, percentile, watchTopics, writeInBatches, type Freshness, type Leg,
} from './cdc-measure.ts';
import {
  benchFolder, deleteIndices, dropVertices, findCdcBenchStack, refractArgs, REPO, slotActive, spawnLogged, startPrivatePostgres,
  tailOf, until, withPg, type BenchChild, type CdcBenchStack, type PrivatePostgres,
} from './cdc-stack.ts';
import { machine, printFigures, type Figure } from './report.ts';

/**
 * `npm run bench:cdc`: the CDC leg on the real servers (docs/adr/0021), next to the direct
 * publish path measured in the same run. A PostgreSQL of the bench's own, the Debezium service
 * (services/cdc) and `refract cdc run` capture rows inserted into public.persons, 50 per
 * transaction, as fast as one connection commits them:
 *
 * 0. a warm-up, not measured: the CDC service is a fresh JVM;
 * 1. commit → EntityEvent on the `persons` topic (translator running, legs not yet): rows/s and
 *    latency from each commit to its event's publish time on the log; the baseline publishes the
 *    same number of equivalent events straight to the topic, 50 per awaited publish. Then the
 *    latency again at a steady rate well below capacity, where rows do not wait in line;
 * 2. with `refract run` (both legs, hashing embedder) running too: commit → durable in JanusGraph
 *    and OpenSearch, every row (the leg's backlog empty after the last event was on the topic)
 *    and sampled rows (every 50th, polled); the baseline again publishes directly.
 *
 * Everything lives in a Pulsar namespace, id prefix and index prefix of the run's own, removed
 * at the end with the PostgreSQL cluster. About one and a half to three minutes.
 */
const ROWS = 3_000;
const PER_TX = 50;
const SAMPLE_EVERY = 50;
/** Unmeasured, first: the CDC service is a fresh JVM that compiles its hot paths on its first thousands of rows. */
const WARM_UP_ROWS = 1_000;
/** Latency well below capacity: rows at a steady PACE, one transaction (or publish) of PER_TX every PER_TX / PACE s. */
const PACED_ROWS = 1_000;
const PACE = 250;
const TABLES = [...bankingApp.cdcTables.keys()];
const PERSONS_RAW = cdcTopicFor('public.persons');
const PERSONS = bankingApp.topicFor('person');

const began = Date.now();
const progress = (line: string) => process.stderr.write(`[${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const ms = (n: number) => Math.round(n);
const seconds = (n: number) => `${Math.max(0, n / 1000).toFixed(2)} s`;

const nonce = randomUUID().slice(0, 8);
const where = { tenant: 'refract', namespace: `bench-cdc-${nonce}` };
const prefix = `bench-cdc-${nonce}-`;
const idsOf = (round: string, rows = ROWS) => Array.from({ length: rows }, (_, n) => `${prefix}${round}-${n}`);
const rounds = {
  warmDirect: idsOf('warm-direct', WARM_UP_ROWS), warmCdc: idsOf('warm-cdc', WARM_UP_ROWS),
  direct: idsOf('direct'), cdc: idsOf('cdc'), pacedDirect: idsOf('paced-direct', PACED_ROWS), pacedCdc: idsOf('paced-cdc', PACED_ROWS),
  directLegs: idsOf('direct-legs'), cdcLegs: idsOf('cdc-legs'),
};

/** The same person as a row (for PostgreSQL) and as the event the translator makes of it. */
const person = (id: string) => {
  const n = Number(id.slice(id.lastIndexOf('-') + 1));
  return {
    id, full_name: `Bench Person ${n}`, date_of_birth: '1990-01-01', nationality: 'PT', city: ['Porto', 'Lyon', 'Kyiv', 'Graz'][n % 4]!,
    occupation: 'clerk', risk_rating: 'low', description: `Row ${n} of the CDC benchmark`,
  };
};

const directEvent = (id: string): EntityEvent => {
  const { id: _, ...payload } = person(id);
  return {
    event_id: randomUUID(), event_type: 'create', entity_type: 'person', entity_id: id, version: 1, occurred_at: new Date().toISOString(),
    payload, text_for_embedding: `${payload.full_name}, ${payload.occupation} in ${payload.city}. ${payload.description}`,
    source: 'bench:direct', schema_version: 1,
  };
};

async function insertRows(client: pg.Client, ids: readonly string[]): Promise<void> {
  const columns = ['id', 'full_name', 'date_of_birth', 'nationality', 'city', 'occupation', 'risk_rating', 'description'] as const;
  const values: string[] = [];
  const rows = ids.map((id, r) => {
    const row = person(id);
    values.push(...columns.map((c) => row[c]));
    return `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`;
  });
  await client.query(`insert into public.persons (${columns.join(', ')}) values ${rows.join(', ')}`, values);
}

async function main(): Promise<void> {
  process.stdout.write(`Refract CDC benchmark on ${machine()}\n`);
  const stack = await findCdcBenchStack();
  if ('missing' in stack) {
    process.stdout.write(`\nCDC leg\n  not measured: not answering: ${stack.missing.join('; ')}; start them with npm run services:up\n`);
    return;
  }
  const root = await benchFolder();
  const run = new BenchRun(stack, root);
  const interrupted = () => {
    progress('interrupted: cleaning up');
    void run.cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await run.measure();
  } catch (error) {
    process.stderr.write(`${run.tails()}\n`);
    throw error;
  } finally {
    await run.cleanUp();
    await rm(root, { recursive: true, force: true });
  }
}

class BenchRun {
  private pg: PrivatePostgres | undefined;
  private debezium: BenchChild | undefined;
  private translator: BenchChild | undefined;
  private runner: RunnerProcess | undefined;
  private readonly admin;
  private readonly log;
  private readonly graph;
  private readonly vectors;
  private cleaned: Promise<void> | undefined;

  constructor(private readonly stack: CdcBenchStack, private readonly root: string) {
    this.admin = createPulsarAdmin(stack.webUrl);
    this.log = createPulsarEventLog({ webUrl: stack.webUrl, ...where, producerName: `refract-bench-direct-${nonce}` });
    this.graph = createJanusGraphStore({ url: stack.gremlinUrl });
    this.vectors = createOpenSearchVectorStore({ node: stack.opensearchUrl, prefix });
  }

  /** What the children need to work in the bench's namespace, index prefix and PostgreSQL. */
  private env(): Record<string, string> {
    return {
      REFRACT_PULSAR_URL: this.stack.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
      REFRACT_JANUSGRAPH_URL: this.stack.gremlinUrl, REFRACT_OPENSEARCH_URL: this.stack.opensearchUrl, REFRACT_INDEX_PREFIX: prefix,
      REFRACT_POSTGRES_URL: this.pg?.url ?? '', REFRACT_STATE_DIR: `${this.root}/state`, REFRACT_LOG_LEVEL: 'warn', REFRACT_METRICS_PORT: '0',
    };
  }

  async measure(): Promise<void> {
    const versions = Object.entries(this.stack.versions).map(([k, v]) => `${k} ${v}`).join(', ');
    progress(`servers: ${versions}; namespace ${where.tenant}/${where.namespace}, ids and indices under ${prefix}`);
    progress('building the CDC service (cached after the first build) …');
    const launch = await buildCdcService({ buildDir: `${servicesRoot()}/cdc/build`, log: progress });
    progress('starting a PostgreSQL of the bench\'s own …');
    this.pg = await startPrivatePostgres(this.root, (m) => progress(`postgres: ${m}`));
    const pgUrl = this.pg.url;
    await withPg(pgUrl, (c) => c.query(`
      create table public.companies (id text primary key, legal_name text not null, registration_number text not null, industry text not null,
        city text not null, country char(2) not null, founded_on date not null, description text);
      create table public.persons (id text primary key, full_name text not null, date_of_birth date not null, nationality char(2) not null,
        city text not null, occupation text not null, employer_id text, risk_rating text not null, description text);`));
    await initCdcSource({ url: pgUrl, publication: 'refract_cdc', slot: 'refract_cdc' }, TABLES);
    await initTopology({ adminUrl: this.stack.webUrl, ...where, topics: [...bankingApp.topics, ...TABLES.map(cdcTopicFor)] });

    progress('starting the CDC service and the translator (refract cdc run) …');
    this.debezium = spawnLogged('debezium', launch.command, launch.args, {
      cwd: this.root, root: this.root, env: {
        REFRACT_CDC_PG_HOST: '127.0.0.1', REFRACT_CDC_PG_PORT: String(this.pg.port), REFRACT_CDC_PG_DATABASE: 'refract',
        REFRACT_CDC_PULSAR_URL: this.stack.brokerUrl,
        REFRACT_CDC_PULSAR_TENANT: where.tenant, REFRACT_CDC_PULSAR_NAMESPACE: where.namespace,
        REFRACT_CDC_TABLES: TABLES.join(','), REFRACT_CDC_OFFSETS_FILE: `${this.root}/cdc-offsets.dat`,
      },
    });
    this.translator = spawnLogged('translator', process.execPath, refractArgs(['cdc', 'run', '--event-log', 'pulsar']), {
      cwd: REPO, root: this.root, env: this.env(),
    });
    await until(() => slotActive(pgUrl, 'refract_cdc'), 120_000, 'the CDC service to read the slot', () => this.tails());
    await until(async () => ((await this.stats(PERSONS_RAW, 'refract-cdc'))?.consumers ?? 0) > 0, 120_000, 'the translator to consume', () => this.tails());

    const watcher = watchTopics(this.log, [PERSONS, PERSONS_RAW], (m) => {
      const key = m.topic === PERSONS_RAW ? rawKey(m.key) : m.key;
      return key?.startsWith(prefix) ? key : undefined;
    });
    try {
      const client = await withPgClient(pgUrl);
      try {
        progress(`warming up (not measured): ${WARM_UP_ROWS} events published directly and ${WARM_UP_ROWS} rows through CDC …`);
        await writeInBatches(rounds.warmDirect, PER_TX, (batch) => this.publish(batch));
        await writeInBatches(rounds.warmCdc, PER_TX, (batch) => insertRows(client, batch));
        await watcher.all(PERSONS, [...rounds.warmDirect, ...rounds.warmCdc], 120_000);

        // 1. To the entity topic, legs not running.
        progress(`direct publish: ${ROWS} events to ${PERSONS}, ${PER_TX} per awaited publish …`);
        const direct = await writeInBatches(rounds.direct, PER_TX, (batch) => this.publish(batch));
        await watcher.all(PERSONS, rounds.direct, 60_000);
        progress(`CDC: ${ROWS} rows into public.persons, ${PER_TX} per transaction …`);
        const cdc = await writeInBatches(rounds.cdc, PER_TX, (batch) => insertRows(client, batch));
        await watcher.all(PERSONS, rounds.cdc, 120_000);
        const toTopic = { direct: onTopic(direct, watcher.on(PERSONS), 'sentAt'), cdc: onTopic(cdc, watcher.on(PERSONS), 'ackedAt') };
        const raw = onTopic(cdc, watcher.on(PERSONS_RAW), 'ackedAt');
        progress(`paced: ${PACED_ROWS} events, then ${PACED_ROWS} rows, at ${PACE} rows/s …`);
        const pacedDirect = await writeInBatches(rounds.pacedDirect, PER_TX, (batch) => this.publish(batch), undefined, PACE);
        await watcher.all(PERSONS, rounds.pacedDirect, 60_000);
        const pacedCdc = await writeInBatches(rounds.pacedCdc, PER_TX, (batch) => insertRows(client, batch), undefined, PACE);
        await watcher.all(PERSONS, rounds.pacedCdc, 120_000);
        const paced = {
          direct: onTopic(pacedDirect, watcher.on(PERSONS), 'sentAt'), cdc: onTopic(pacedCdc, watcher.on(PERSONS), 'ackedAt'),
          raw: onTopic(pacedCdc, watcher.on(PERSONS_RAW), 'ackedAt'),
        };

        // 2. To the read models, with both legs running.
        const sofar = [rounds.warmDirect, rounds.warmCdc, rounds.direct, rounds.cdc, rounds.pacedDirect, rounds.pacedCdc].flat().length;
        progress(`starting refract run (both legs, hashing embedder); it applies the ${sofar} events so far first (not measured) …`);
        this.runner = startRunner(this.env(), `${this.root}/runner.log`);
        await until(async () => (await this.drained()), 300_000, 'the legs to apply the events so far', () => this.tails());
        const probe = (ids: readonly string[]) => ({
          graph: this.graph, vectors: this.vectors, entityType: 'person',
          lastOnTopic: () => lastPublish(watcher.on(PERSONS), ids),
          backlog: async (leg: Leg) => (await this.stats(PERSONS, `refract-${leg}`))?.backlog ?? Number.NaN,
        });
        progress(`direct publish with the legs running: ${ROWS} events …`);
        const directLegs = await measureFreshness(probe(rounds.directLegs), rounds.directLegs, SAMPLE_EVERY, 240_000,
          (onAcked) => writeInBatches(rounds.directLegs, PER_TX, (batch) => this.publish(batch), onAcked));
        progress(`CDC with the legs running: ${ROWS} rows …`);
        const cdcLegs = await measureFreshness(probe(rounds.cdcLegs), rounds.cdcLegs, SAMPLE_EVERY, 240_000,
          (onAcked) => writeInBatches(rounds.cdcLegs, PER_TX, (batch) => insertRows(client, batch), onAcked));
        progress('measured; printing and cleaning up …');
        report(versions, toTopic, raw, paced, { direct: directLegs, cdc: cdcLegs });
      } finally {
        await client.end();
      }
    } finally {
      await watcher.close();
    }
  }

  private async publish(ids: readonly string[]): Promise<void> {
    let pending = ids.map((id) => ({ topic: PERSONS, key: id, payload: encodeEvent(directEvent(id)), properties: {} }));
    while (pending.length) {
      const result = await this.log.publish(pending);
      const batch = pending;
      pending = result.failed.flatMap((f) => (batch[f.position] ? [batch[f.position]!] : []));
    }
  }

  private stats(topic: string, subscription: string) {
    return subscriptionStats(this.admin, fullTopicName(where, topic), subscription);
  }

  /** Both legs consume the entity topic and have nothing left on it. */
  private async drained(): Promise<boolean> {
    const legs = await Promise.all(['refract-graph', 'refract-vector'].map((s) => this.stats(PERSONS, s)));
    return legs.every((s) => s !== undefined && s.consumers > 0 && s.backlog === 0);
  }

  tails(): string {
    return [this.debezium?.tail(), this.translator?.tail(), tailOf('runner', `${this.root}/runner.log`)].filter(Boolean).join('\n');
  }

  /** Stops what the bench started and removes what it wrote; each step on its own, so one failure leaves the rest done. */
  cleanUp(): Promise<void> {
    this.cleaned ??= (async () => {
      const step = async (what: string, work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (error) {
          progress(`cleaning up: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      await step('stopping refract run', async () => {
        if (!this.runner) return;
        this.runner.kill('SIGTERM');
        const stopped = await Promise.race([this.runner.exited.then(() => true), sleep(15_000).then(() => false)]);
        if (!stopped) this.runner.kill('SIGKILL');
      });
      await step('stopping the translator', async () => this.translator?.stop());
      await step('stopping the CDC service', async () => this.debezium?.stop());
      await step('closing clients', () => Promise.all([this.log.close(), this.graph.close(), this.vectors.close()]));
      await step(`dropping namespace ${where.tenant}/${where.namespace}`, () => dropNamespace(this.admin, where.tenant, where.namespace));
      await step('removing the vertices', () => dropVertices(this.stack.gremlinUrl, Object.values(rounds).flat()));
      await step(`deleting indices ${prefix}*`, () => deleteIndices(this.stack.opensearchUrl, prefix));
      await step('stopping PostgreSQL and deleting its data', async () => this.pg?.stop());
    })();
    return this.cleaned;
  }
}

async function withPgClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The row id in a raw change's key, `{"id":"…"}`. */
function rawKey(key: string): string | undefined {
  try {
    const id = (JSON.parse(key) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function lastPublish(times: ReadonlyMap<string, number>, ids: readonly string[]): number | undefined {
  let last = 0;
  for (const id of ids) {
    const t = times.get(id);
    if (t === undefined) return undefined;
    if (t > last) last = t;
  }
  return last;
}

type TopicFigures = ReturnType<typeof onTopic>;

function report(
  versions: string, toTopic: { direct: TopicFigures; cdc: TopicFigures }, raw: TopicFigures,
  paced: { direct: TopicFigures; cdc: TopicFigures; raw: TopicFigures },
  legs: { direct: Freshness; cdc: Freshness },
): void {
  const { direct, cdc: c } = toTopic;
  const vsDirect = (name: string, value: number, base: number, unit: string, lowerIsBetter = false): Figure => ({
    name, value, unit, baseline: base, baselineName: 'direct publish', ...(lowerIsBetter ? { lowerIsBetter } : {}),
  });
  printFigures(`CDC → entity topic, ${ROWS.toLocaleString('en')} rows, ${PER_TX} per transaction, legs stopped (${versions})`, [
    vsDirect('rows/s, first commit → last event on the topic', c.rate, direct.rate, 'rows/s'),
    vsDirect('commit → event on the topic, p50', ms(c.p50), ms(direct.p50), 'ms', true),
    vsDirect('commit → event on the topic, p95', ms(c.p95), ms(direct.p95), 'ms', true),
    vsDirect('commit → event on the topic, p99', ms(c.p99), ms(direct.p99), 'ms', true),
  ]);
  process.stdout.write([
    `  direct publish: ${PER_TX} events per awaited publish; its latency is from the publish call to the event's publish time`,
    `  PostgreSQL committed the rows at ${Math.round(c.writeRate).toLocaleString('en')} rows/s (one connection, ${ROWS / PER_TX} transactions)`,
    `  commit → raw change on ${PERSONS_RAW} (Debezium): p50 ${ms(raw.p50)} ms, p99 ${ms(raw.p99)} ms; the rest is the translator`,
    `  last event on the topic ${seconds(c.lastAfterWrite)} after the last commit (direct: ${seconds(direct.lastAfterWrite)} after the last publish returned)`,
    `  PostgreSQL takes the rows ${Math.round(c.writeRate / c.rate)}× faster than the leg carries them: these latencies are mostly rows waiting in line`,
    '',
  ].join('\n'));
  printFigures(`CDC → entity topic at a steady ${PACE} rows/s, ${PACED_ROWS.toLocaleString('en')} rows, ${PER_TX} per transaction, legs stopped`, [
    vsDirect('commit → event on the topic, p50', ms(paced.cdc.p50), ms(paced.direct.p50), 'ms', true),
    vsDirect('commit → event on the topic, p95', ms(paced.cdc.p95), ms(paced.direct.p95), 'ms', true),
    vsDirect('commit → event on the topic, p99', ms(paced.cdc.p99), ms(paced.direct.p99), 'ms', true),
  ]);
  process.stdout.write(`  commit → raw change (Debezium): p50 ${ms(paced.raw.p50)} ms, p99 ${ms(paced.raw.p99)} ms\n\n`);

  const legFigures = (leg: Leg): Figure[] => [
    vsDirect(`${leg} leg: every row durable after last write`, ms(legs.cdc.allAfter[leg]), ms(legs.direct.allAfter[leg]), 'ms', true),
    vsDirect(`${leg} leg: freshness p50 (sampled)`, ms(percentile(legs.cdc.samples[leg], 50)), ms(percentile(legs.direct.samples[leg], 50)), 'ms', true),
    vsDirect(`${leg} leg: freshness p99 (sampled)`, ms(percentile(legs.cdc.samples[leg], 99)), ms(percentile(legs.direct.samples[leg], 99)), 'ms', true),
  ];
  printFigures(`CDC → read models, ${ROWS.toLocaleString('en')} rows with refract run (both legs, hashing embedder) running`, [
    vsDirect('rows/s, first commit → all durable in both', legs.cdc.rate, legs.direct.rate, 'rows/s'),
    ...legFigures('graph'),
    ...legFigures('vector'),
  ]);
  process.stdout.write([
    `  freshness: a row's commit (direct: the publish ack) → the row found in the store; ${legs.cdc.samples.graph.length} rows sampled, polled every 200 ms`,
    `  "every row durable": the leg's subscription empty after the round's last event was on the topic (the legs ack only what is durable)`,
    `  found afterwards: CDC ${legs.cdc.found.graph}/${ROWS} vertices, ${legs.cdc.found.vector}/${ROWS} documents; ` +
      `direct ${legs.direct.found.graph}/${ROWS}, ${legs.direct.found.vector}/${ROWS}`,
    '',
  ].join('\n'));
}

await main();
