import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import type { EventLog, OutgoingMessage } from '../../../src/ports/index.ts';
import { selectServices } from '../../../scripts/services/registry.ts';
import { startService, stopService } from '../../../scripts/services/run-service.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { dashboardQueries, DEFAULT_VARIABLES, type PanelQuery } from '../../support/prometheus-dashboard.ts';
import { ALERTS_FILE, deployedAlertsWithLegStalledScaledDown, LEG_STALLED_AS_DEPLOYED } from '../../support/prometheus-rules.ts';
import { requirePrometheus, startPrometheus, type PromAlert, type PrometheusServer } from '../../support/prometheus-server.ts';
import { startRunner, type RunnerProcess } from '../../support/runner-process.ts';
import { runnerConsumes, type RunNamespace } from '../../support/subscription-stats.ts';
import { ensureServersUp, launcherContext } from './server-restart.ts';

/**
 * A real Prometheus (Debian's /usr/bin/prometheus) scraping a running `refract run` every
 * second, with the alert rules of deploy/prometheus evaluated every second:
 * - every query of every panel of deploy/grafana/refract-dashboard.json returns data (Grafana's
 *   variables filled in: every leg, a 30 s rate interval);
 * - with OpenSearch stopped while events keep arriving, RefractLegStalled fires for the vector
 *   leg (and only for it), while the graph leg goes on; it clears once OpenSearch is back, and both
 *   legs drain once events stop.
 *
 * RefractLegStalled waits 120 s without progress and then 1m; by default the test runs a copy of
 * alerts.yml in which only those two numbers of that one rule are scaled down (15 s, 5s; see
 * withLegStalledScaledDown), the expression otherwise as deployed. REFRACT_PROMETHEUS_REAL_ALERTS=1
 * runs the deployed file as it is (about three minutes more). promtool's unit tests
 * (deploy/prometheus/alerts.test.yml) hold the real thresholds.
 *
 * It stops a shared server, so it lives in test/int/chaos/ (run last and alone), and brings it back.
 */
const REAL_ALERTS = process.env['REFRACT_PROMETHEUS_REAL_ALERTS'] === '1';
const LEG_STALLED = REAL_ALERTS ? LEG_STALLED_AS_DEPLOYED : { stalledSeconds: 15, for: '5s' };
const forSeconds = (duration: string) => {
  const [, n, unit] = /^(\d+)([sm])$/.exec(duration) ?? [];
  if (!n) throw new Error(`a for: of seconds or minutes, not ${duration}`);
  return Number(n) * (unit === 'm' ? 60 : 1);
};
const RATE_INTERVAL = '30s';
const VARIABLES = { ...DEFAULT_VARIABLES, __rate_interval: RATE_INTERVAL, __interval: '1s' };
/** Published at once before the checks: enough that both legs write in several batches. */
const BURST = 600;
/** Then a steady trickle for the rest of the test, so rates are live and a stopped store gets work. */
const TRICKLE_PER_TICK = 5;
const TRICKLE_TICK_MS = 500;

// No Prometheus: the file fails here, with how to install it (it never skips).
requirePrometheus();

const nonce = randomUUID().slice(0, 6);
const prefix = `prom-${nonce}-`;
const where: RunNamespace = { webUrl: serviceEndpoints('pulsar').webUrl, tenant: 'prometheus', namespace: `run-${nonce}` };
const { gremlinUrl } = serviceEndpoints('janusgraph');
const opensearchUrl = serviceEndpoints('opensearch').url;
const workDir = mkdtempSync(join(tmpdir(), `refract-prometheus-${nonce}-`));
const runnerLog = join(workDir, 'runner.log');
const say = (message: string) => console.log(`prometheus: ${message}`);
const runnerEnv = {
  REFRACT_PULSAR_URL: where.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
  REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl,
  REFRACT_METRICS_PORT: '0', REFRACT_STATE_DIR: join(workDir, 'state'),
};

let runner: RunnerProcess | undefined;
let prometheus: PrometheusServer | undefined;
let log: EventLog | undefined;
let trickle: Trickle | undefined;
let opensearchStopped = false;
/** The output is kept unless every test passed: its folder is printed at the start. */
let passed = false;

beforeAll(async () => {
  // Fail before anything starts where a container (not the launcher) runs OpenSearch.
  launcherContext('opensearch', say);
  say(`runner and prometheus output in ${workDir}${REAL_ALERTS ? ' (deployed alert rules, unscaled)' : ''}`);

  await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });
  runner = startRunner(runnerEnv, runnerLog);
  const metricsUrl = await metricsUrlOf(runner);
  await consuming(runner);

  const rules = join(workDir, 'alerts.yml');
  writeFileSync(rules, REAL_ALERTS ? readFileSync(ALERTS_FILE, 'utf8') : deployedAlertsWithLegStalledScaledDown(LEG_STALLED));
  const promDir = mkdtempSync(join(workDir, 'prometheus-'));
  prometheus = await startPrometheus({ dir: promDir, targets: [new URL(metricsUrl).host], ruleFiles: [rules], scrapeInterval: '1s', evaluationInterval: '1s' });
  say(`prometheus at ${prometheus.url} scrapes ${metricsUrl}`);

  // Events of every kind: creates, updates that keep or change the text (embeddings reused and
  // computed), deletes, producer duplicates (stale), malformed messages (dead letters).
  const messages: OutgoingMessage[] = generateBankingEvents({
    seed: 31, entities: 1_500, updatesPerEntity: 2, textChangeShare: 0.3, deleteShare: 0.05, duplicateShare: 0.05, malformedShare: 0.02,
    idPrefix: prefix,
  }).map((m) => ({ topic: m.topic, key: m.key, payload: m.payload, properties: {} }));
  log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `prometheus-${nonce}` });
  await publish(log, messages.slice(0, BURST));
  trickle = startTrickle(log, messages.slice(BURST));
  say(`published ${BURST} messages; ${messages.length - BURST} more trickle in at ${(TRICKLE_PER_TICK * 1000) / TRICKLE_TICK_MS}/s`);
});

afterAll(async () => {
  await trickle?.stop();
  runner?.kill('SIGKILL');
  await runner?.exited;
  await prometheus?.stop();
  await log?.close();
  if (opensearchStopped) say('bringing OpenSearch back');
  await ensureServersUp(['opensearch'], say);
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  if (passed) rmSync(workDir, { recursive: true, force: true });
  else say(`kept ${workDir} (runner.log, prometheus-*/prometheus.log)`);
}, 300_000);

describe('a real Prometheus scraping refract run', () => {
  it('scrapes the runner', async () => {
    await until('the refract target to be up', 30_000, async () => {
      const targets = await prom().targets();
      return targets.length === 1 && targets[0]?.health === 'up' ? true : `targets: ${JSON.stringify(targets)}`;
    });
    expect(await values('up{job="refract"}')).toEqual([1]);
  }, 60_000);

  it('has data for every dashboard query, also before any retry or dead letter (the panels fall back to zero)', async () => {
    const queries = dashboardQueries(undefined, VARIABLES);
    await expectDataForEvery(queries, 90_000);
  }, 120_000);

  it(`fires RefractLegStalled for the vector leg while OpenSearch is stopped and events keep arriving (no progress > ${LEG_STALLED.stalledSeconds} s for ${LEG_STALLED.for}${REAL_ALERTS ? ', as deployed' : '; deployed: 120 s for 1m'})`, async () => {
    expect(await active('RefractLegStalled'), 'RefractLegStalled before the store stops').toEqual([]);
    const def = opensearchDef();
    const stoppedAt = Date.now();
    opensearchStopped = true;
    say(`opensearch: ${await stopService(def, launcherContext('opensearch', say))}`);
    const budget = (LEG_STALLED.stalledSeconds + forSeconds(LEG_STALLED.for) + 90) * 1000;
    const fired = await until('RefractLegStalled to fire for the vector leg', budget, async () => {
      const alerts = await active('RefractLegStalled');
      const vector = alerts.find((a) => a.labels['leg'] === 'vector' && a.state === 'firing');
      return vector ?? `active: ${describeAlerts(alerts)}`;
    });
    say(`RefractLegStalled firing after ${seconds(stoppedAt)} (active since ${fired.activeAt})`);
    expect(fired.labels).toMatchObject({ alertname: 'RefractLegStalled', severity: 'critical', job: 'refract', leg: 'vector' });
    // Not at once: only once the leg had made no progress for the threshold (less a scrape and an evaluation).
    expect(Date.parse(fired.activeAt) - stoppedAt, 'pending since, after the stop (ms)').toBeGreaterThanOrEqual((LEG_STALLED.stalledSeconds - 2) * 1000);
    expect((await active('RefractLegStalled')).filter((a) => a.labels['leg'] !== 'vector'), 'only the vector leg is stalled').toEqual([]);
    // The leg holds its backlog and says it is degraded; the graph leg goes on.
    expect(await values('refract_leg_health{leg="vector", state="degraded"}')).toEqual([1]);
    expect((await values('refract_backlog_messages{leg="vector"}'))[0]).toBeGreaterThan(0);
    expect(await values('refract_leg_health{leg="graph", state="healthy"}')).toEqual([1]);
    expect((await values('time() - refract_last_progress_timestamp_seconds{leg="graph"}'))[0]).toBeLessThan(5);
    expect((await active('RefractStoreUnavailable')).map((a) => a.labels['leg']), 'RefractStoreUnavailable (for 2m) at least pending').toEqual(['vector']);
  }, 420_000);

  it('clears RefractLegStalled once OpenSearch is back, and the vector leg is healthy again', async () => {
    expect((await active('RefractLegStalled')).map((a) => `${a.labels['leg'] ?? '?'} ${a.state}`), 'RefractLegStalled while OpenSearch is down').toEqual(['vector firing']);
    const def = opensearchDef();
    const began = Date.now();
    await startService(def, launcherContext('opensearch', say));
    opensearchStopped = false;
    say(`opensearch back after ${seconds(began)}`);
    await until('RefractLegStalled and RefractStoreUnavailable to clear', 120_000, async () => {
      const alerts = [...(await active('RefractLegStalled')), ...(await active('RefractStoreUnavailable'))];
      return alerts.length === 0 ? true : `active: ${describeAlerts(alerts)}`;
    });
    say(`cleared ${seconds(began)} after the restart began`);
    await until('the vector leg to report healthy', 60_000, async () => {
      const healthy = await values('refract_leg_health{leg="vector", state="healthy"}');
      return healthy[0] === 1 ? true : `healthy: ${JSON.stringify(healthy)}`;
    });
  }, 300_000);

  it('has data for every dashboard query, store retries included, after the outage', async () => {
    await expectDataForEvery(dashboardQueries(undefined, VARIABLES), 60_000);
  }, 120_000);

  it('drains both legs once events stop arriving', async () => {
    const left = await trickle?.stop();
    expect(trickle?.error(), 'publishing the trickle').toBeUndefined();
    say(`trickle stopped (${left ?? 0} messages left unpublished)`);
    await until('both backlogs to reach 0', 120_000, async () => {
      const backlog = await prom().query('refract_backlog_messages');
      const byLeg: Record<string, number> = Object.fromEntries(backlog.map((s) => [s.metric['leg'] ?? '', Number(s.value[1])]));
      return byLeg['graph'] === 0 && byLeg['vector'] === 0 ? true : `backlog: ${JSON.stringify(byLeg)}`;
    });
    expect(await active('RefractLegStalled')).toEqual([]);
    // The runner stops cleanly on SIGTERM: nothing was left in a bad state by the outage.
    const last = runner!;
    runner = undefined;
    last.kill('SIGTERM');
    expect(await last.exited, `the runner should stop cleanly on SIGTERM\n${tail(runnerLog)}`).toEqual({ code: 0, signal: null });
    passed = true;
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------

const prom = (): PrometheusServer => {
  if (!prometheus) throw new Error('prometheus did not start (see beforeAll)');
  return prometheus;
};

/** The values of an instant query's series, as numbers. */
async function values(expr: string): Promise<number[]> {
  return (await prom().query(expr)).map((s) => Number(s.value[1]));
}

/** Pending or firing alerts of one name. */
async function active(name: string): Promise<PromAlert[]> {
  return (await prom().alerts()).filter((a) => a.labels['alertname'] === name);
}

const describeAlerts = (alerts: readonly PromAlert[]) =>
  alerts.length ? alerts.map((a) => `${a.labels['alertname'] ?? '?'}{leg=${a.labels['leg'] ?? '-'}} ${a.state} since ${a.activeAt}`).join(', ') : 'none';

/**
 * Every query must return at least one series with a number (not only NaN, which Grafana draws
 * as nothing). Polled until all do or `withinMs` passes; then one failure lists every panel and
 * query that had no data, and why.
 */
async function expectDataForEvery(queries: readonly PanelQuery[], withinMs: number): Promise<void> {
  expect(queries.length, 'dashboard queries').toBeGreaterThan(10);
  const deadline = Date.now() + withinMs;
  let missing: string[] = [];
  for (;;) {
    missing = [];
    for (const q of queries) {
      const series = await prom().query(q.expr).catch((error: unknown) => String(error));
      if (typeof series === 'string') missing.push(`${q.panel}: ${q.expr}\n    query failed: ${series}`);
      else if (series.length === 0) missing.push(`${q.panel}: ${q.expr}\n    no series`);
      else if (!series.some((s) => Number.isFinite(Number(s.value[1])))) missing.push(`${q.panel}: ${q.expr}\n    only ${series.map((s) => s.value[1]).join(', ')}`);
    }
    if (missing.length === 0 || Date.now() > deadline) break;
    await sleep(2_000);
  }
  expect(missing, `${missing.length} of ${queries.length} dashboard queries returned no data (${RATE_INTERVAL} rate interval):\n${missing.join('\n')}`).toEqual([]);
}

/** Polls `check` every second until it returns something other than a string (the reason it waits). */
async function until<T>(what: string, withinMs: number, check: () => Promise<T | string>): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last = '';
  for (;;) {
    const result = await check().catch((error: unknown) => `error: ${String(error)}`);
    if (typeof result !== 'string') return result;
    last = result;
    if (Date.now() > deadline) {
      throw new Error(`waited ${withinMs / 1000} s for ${what}; last: ${last}\nrunner:\n${tail(runnerLog)}`);
    }
    await sleep(1_000);
  }
}

function opensearchDef() {
  const [def] = selectServices(['opensearch']);
  if (!def) throw new Error('unknown server opensearch');
  return def;
}

/** The runner's metrics URL, from its log line "metrics on http://…/metrics" (it binds port 0). */
async function metricsUrlOf(current: RunnerProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const exited = await Promise.race([current.exited, sleep(0).then(() => undefined)]);
    if (exited) throw new Error(`the runner exited (code ${exited.code ?? '-'}) before it served metrics\n${tail(runnerLog)}`);
    const found = /"metrics":"(http:\/\/[^"]+\/metrics)"/.exec(readText(runnerLog));
    if (found?.[1]) return found[1];
    await sleep(250);
  }
  throw new Error(`the runner logged no metrics URL within 60 s\n${tail(runnerLog)}`);
}

/** Waits (at most 60 s) until both legs of the runner consume; one that exits meanwhile fails the test. */
async function consuming(current: RunnerProcess): Promise<void> {
  await until('the runner to consume on both legs', 60_000, async () => {
    const exited = await Promise.race([current.exited, sleep(0).then(() => undefined)]);
    if (exited) throw new Error(`the runner exited (code ${exited.code ?? '-'}, signal ${exited.signal ?? '-'})\n${tail(runnerLog)}`);
    const both = (await runnerConsumes(where, 'refract-graph', current.pid)) && (await runnerConsumes(where, 'refract-vector', current.pid));
    return both ? true : 'not yet';
  });
}

async function publish(to: EventLog, messages: readonly OutgoingMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 200) {
    const result = await to.publish(messages.slice(i, i + 200));
    expect(result.failed.map((f) => f.reason)).toEqual([]);
  }
}

interface Trickle {
  /** Stops publishing; resolves how many messages were left unpublished. */
  stop(): Promise<number>;
  /** The first failed publish, if any (the trickle stops there). */
  error(): string | undefined;
}

/** Publishes `messages` in order, TRICKLE_PER_TICK every TRICKLE_TICK_MS, until stopped or done. */
function startTrickle(to: EventLog, messages: readonly OutgoingMessage[]): Trickle {
  let stopping = false;
  let next = 0;
  let failure: string | undefined;
  const loop = (async () => {
    while (!stopping && next < messages.length) {
      const batch = messages.slice(next, next + TRICKLE_PER_TICK);
      const result = await to.publish(batch).catch((error: unknown) => ({ failed: [{ reason: String(error) }] }));
      if (result.failed.length) {
        failure = result.failed[0]?.reason;
        return;
      }
      next += batch.length;
      await sleep(TRICKLE_TICK_MS);
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
      return messages.length - next;
    },
    error: () => failure,
  };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(file: string): string {
  return readText(file).split('\n').slice(-30).join('\n') || '(no output)';
}
