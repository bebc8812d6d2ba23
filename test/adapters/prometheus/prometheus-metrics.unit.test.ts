import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../../src/adapters/prometheus/prometheus-metrics.ts';
import type { CounterName, GaugeName, HistogramName, MetricLabels } from '../../../src/ports/index.ts';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition, with their labels as a map. */
function samples(text: string): Sample[] {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    return { name: match[1]!, labels, value: Number(match[3]) };
  });
}

const scrape = async (metrics: PrometheusMetrics) => samples(await metrics.registry.metrics());
const find = (all: readonly Sample[], name: string, labels: Record<string, string>) =>
  all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
    Object.keys(s.labels).length === Object.keys(labels).length);
const valueOf = (all: readonly Sample[], name: string, labels: Record<string, string>) => {
  const found = find(all, name, labels);
  expect(found, `${name}${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
};

/** One call of every counter, histogram and gauge of the port, with the extra label each carries in the runner. */
const COUNTER_CALLS: Readonly<Record<CounterName, MetricLabels | undefined>> = {
  events_received: undefined,
  events_applied: undefined,
  events_stale: undefined,
  events_dead_lettered: { reason: 'EVENT.INVALID' },
  events_redelivered: undefined,
  embeddings_computed: undefined,
  embeddings_reused: undefined,
  store_retries: { code: 'STORE.UNAVAILABLE' },
};
const HISTOGRAM_CALLS: Readonly<Record<HistogramName, MetricLabels | undefined>> = {
  batch_seconds: { stage: 'write' },
  batch_size: undefined,
  freshness_seconds: undefined,
  embedding_seconds: undefined,
};
const GAUGE_CALLS: Readonly<Record<GaugeName, readonly (MetricLabels | undefined)[]>> = {
  backlog_messages: [undefined],
  dead_letter_messages: [undefined],
  applied_through_timestamp_seconds: [undefined],
  leg_health: [{ state: 'healthy' }, { state: 'degraded' }, { state: 'stopped' }],
};
const STAGES = ['decode', 'project', 'write', 'dead_letters', 'ack', 'total'];

/** Metrics the way a runner process leaves them: initialised, then every call made once per leg. */
async function exercised(options: { defaultMetrics?: boolean } = {}): Promise<Sample[]> {
  const metrics = createPrometheusMetrics(options);
  metrics.initialise(['graph', 'vector']);
  for (const leg of ['graph', 'vector']) {
    for (const [name, labels] of Object.entries(COUNTER_CALLS)) metrics.count(name as CounterName, leg, 1, labels);
    for (const [name, labels] of Object.entries(HISTOGRAM_CALLS)) metrics.observe(name as HistogramName, leg, 0.2, labels);
    for (const stage of STAGES) metrics.observe('batch_seconds', leg, 0.01, { stage });
    for (const [name, all] of Object.entries(GAUGE_CALLS)) for (const labels of all) metrics.set(name as GaugeName, leg, 1, labels);
    metrics.heartbeat(leg, 1_800_000_000_000);
  }
  return scrape(metrics);
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${REPO}${path}`, 'utf8');

/** Every PromQL expression of the dashboard (targets and template variables) and the alert rules. */
function monitoringQueries(): string[] {
  const fromDashboard: string[] = [];
  const walk = (node: unknown, key?: string): void => {
    if (typeof node === 'string') {
      if (key === 'expr' || key === 'query' || key === 'definition') fromDashboard.push(node);
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(JSON.parse(read('deploy/grafana/refract-dashboard.json')));
  const rules = parse(read('deploy/prometheus/alerts.yml')) as { groups: { rules: { expr: string }[] }[] };
  return [...fromDashboard, ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr))];
}

const selectedNames = (expr: string) => [...expr.matchAll(/\brefract_[a-z0-9_]+/g)].map((m) => m[0]);
/** Labels Prometheus adds to every series of a target; no exporter produces them. */
const TARGET_LABELS = new Set(['job', 'instance']);

describe('the Prometheus metrics', () => {
  describe('when every call of the port is made', () => {
    it('exposes the counters as refract_<name>_total with the leg label, and reason or code where they have one', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      metrics.count('events_received', 'graph', 3);
      metrics.count('events_received', 'graph');
      metrics.count('events_dead_lettered', 'vector', 2, { reason: 'EVENT.INVALID' });
      metrics.count('events_dead_lettered', 'vector', 1, { reason: 'STORE.REJECTED' });
      metrics.count('store_retries', 'graph', 1, { code: 'STORE.UNAVAILABLE' });
      const text = await metrics.registry.metrics();
      expect(text).toContain('refract_events_received_total{leg="graph"} 4\n');
      const all = samples(text);
      expect(valueOf(all, 'refract_events_dead_lettered_total', { leg: 'vector', reason: 'EVENT.INVALID' })).toBe(2);
      expect(valueOf(all, 'refract_events_dead_lettered_total', { leg: 'vector', reason: 'STORE.REJECTED' })).toBe(1);
      expect(valueOf(all, 'refract_store_retries_total', { leg: 'graph', code: 'STORE.UNAVAILABLE' })).toBe(1);
      expect(text).toMatch(/^# TYPE refract_events_received_total counter$/m);
    });

    it('exposes batch_seconds as a histogram per leg and stage, with buckets, sum and count', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      metrics.observe('batch_seconds', 'graph', 0.03, { stage: 'write' });
      metrics.observe('batch_seconds', 'graph', 0.2, { stage: 'write' });
      metrics.observe('batch_seconds', 'graph', 0.001, { stage: 'ack' });
      const all = await scrape(metrics);
      expect(valueOf(all, 'refract_batch_seconds_bucket', { leg: 'graph', stage: 'write', le: '0.05' })).toBe(1);
      expect(valueOf(all, 'refract_batch_seconds_bucket', { leg: 'graph', stage: 'write', le: '+Inf' })).toBe(2);
      expect(valueOf(all, 'refract_batch_seconds_count', { leg: 'graph', stage: 'write' })).toBe(2);
      expect(valueOf(all, 'refract_batch_seconds_sum', { leg: 'graph', stage: 'write' })).toBeCloseTo(0.23);
      expect(valueOf(all, 'refract_batch_seconds_count', { leg: 'graph', stage: 'ack' })).toBe(1);
    });

    it('exposes freshness and embedding times as histograms per leg', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      metrics.observe('freshness_seconds', 'vector', 1.5);
      metrics.observe('embedding_seconds', 'vector', 0.04);
      const all = await scrape(metrics);
      expect(valueOf(all, 'refract_freshness_seconds_bucket', { leg: 'vector', le: '2' })).toBe(1);
      expect(valueOf(all, 'refract_freshness_seconds_bucket', { leg: 'vector', le: '1' })).toBe(0);
      expect(valueOf(all, 'refract_freshness_seconds_count', { leg: 'vector' })).toBe(1);
      expect(valueOf(all, 'refract_embedding_seconds_bucket', { leg: 'vector', le: '0.05' })).toBe(1);
      expect(valueOf(all, 'refract_embedding_seconds_sum', { leg: 'vector' })).toBeCloseTo(0.04);
    });

    it('exposes the gauges with the value last set, leg_health per state', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      metrics.set('backlog_messages', 'graph', 12);
      metrics.set('backlog_messages', 'graph', 7);
      metrics.set('dead_letter_messages', 'graph', 3);
      metrics.set('applied_through_timestamp_seconds', 'graph', 1_800_000_000.25);
      metrics.set('leg_health', 'graph', 0, { state: 'healthy' });
      metrics.set('leg_health', 'graph', 1, { state: 'degraded' });
      const all = await scrape(metrics);
      expect(valueOf(all, 'refract_backlog_messages', { leg: 'graph' })).toBe(7);
      expect(valueOf(all, 'refract_dead_letter_messages', { leg: 'graph' })).toBe(3);
      expect(valueOf(all, 'refract_applied_through_timestamp_seconds', { leg: 'graph' })).toBe(1_800_000_000.25);
      expect(valueOf(all, 'refract_leg_health', { leg: 'graph', state: 'healthy' })).toBe(0);
      expect(valueOf(all, 'refract_leg_health', { leg: 'graph', state: 'degraded' })).toBe(1);
    });

    it('exposes a heartbeat as the last-progress time in seconds, and keeps it in milliseconds for readiness', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      expect(metrics.lastProgress('graph')).toBeUndefined();
      metrics.heartbeat('graph', 1_800_000_000_500);
      const all = await scrape(metrics);
      expect(valueOf(all, 'refract_last_progress_timestamp_seconds', { leg: 'graph' })).toBe(1_800_000_000.5);
      expect(metrics.lastProgress('graph')).toBe(1_800_000_000_500);
      expect(metrics.lastProgress('vector')).toBeUndefined();
    });
  });

  describe('when initialised with its legs', () => {
    it('creates every label-only counter and histogram of each leg at zero, before any event', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      metrics.initialise(['graph', 'vector']);
      const all = await scrape(metrics);
      for (const leg of ['graph', 'vector']) {
        for (const name of Object.keys(COUNTER_CALLS).filter((n) => !COUNTER_CALLS[n as CounterName])) {
          expect(valueOf(all, `refract_${name}_total`, { leg }), `${name} ${leg}`).toBe(0);
        }
        for (const name of Object.keys(HISTOGRAM_CALLS).filter((n) => !HISTOGRAM_CALLS[n as HistogramName])) {
          expect(valueOf(all, `refract_${name}_count`, { leg }), `${name} ${leg}`).toBe(0);
          expect(valueOf(all, `refract_${name}_bucket`, { leg, le: '+Inf' }), `${name} ${leg}`).toBe(0);
        }
      }
    });

    it('creates no series whose extra label it cannot know, and leaves counts made later intact', async () => {
      const metrics = createPrometheusMetrics({ defaultMetrics: false });
      metrics.count('events_received', 'graph', 5);
      metrics.initialise(['graph']);
      const all = await scrape(metrics);
      expect(all.filter((s) => s.name.startsWith('refract_events_dead_lettered') || s.name.startsWith('refract_store_retries') || s.name.startsWith('refract_batch_seconds'))).toEqual([]);
      expect(valueOf(all, 'refract_events_received_total', { leg: 'graph' })).toBe(5);
    });
  });

  describe('with the default process metrics', () => {
    it('exposes them with the refract_ prefix, and none without it', async () => {
      const all = await scrape(createPrometheusMetrics());
      const names = new Set(all.map((s) => s.name));
      for (const name of ['refract_process_cpu_seconds_total', 'refract_process_resident_memory_bytes', 'refract_nodejs_eventloop_lag_p99_seconds', 'refract_nodejs_heap_size_used_bytes']) {
        expect(names, name).toContain(name);
      }
      expect([...names].filter((n) => !n.startsWith('refract_'))).toEqual([]);
    });

    it('leaves them out when asked to', async () => {
      const all = await scrape(createPrometheusMetrics({ defaultMetrics: false }));
      expect(all.filter((s) => s.name.includes('process_') || s.name.includes('nodejs_'))).toEqual([]);
    });
  });

  describe('when two instances live in one process', () => {
    it('gives each its own registry, so neither sees the other\u2019s series nor clashes on names', async () => {
      const a = createPrometheusMetrics();
      const b = createPrometheusMetrics();
      expect(a.registry).not.toBe(b.registry);
      a.count('events_received', 'graph', 9);
      a.heartbeat('graph', 1_800_000_000_000);
      expect(valueOf(await scrape(a), 'refract_events_received_total', { leg: 'graph' })).toBe(9);
      expect(find(await scrape(b), 'refract_events_received_total', { leg: 'graph' })).toEqual([]);
      expect(b.lastProgress('graph')).toBeUndefined();
    });
  });

  describe('against the dashboard and the alert rules in deploy/', () => {
    it('produces every refract_ series they select', async () => {
      const queries = monitoringQueries();
      const selected = new Set(queries.flatMap(selectedNames));
      expect(selected.size, 'metric names found in deploy/').toBeGreaterThan(15);
      const produced = new Set((await exercised()).map((s) => s.name));
      expect([...selected].filter((name) => !produced.has(name)).sort()).toEqual([]);
    });

    it('produces every metric family of the contract, whichever of _bucket, _sum or _count a query uses', async () => {
      const families = new Set(monitoringQueries().flatMap(selectedNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
      const produced = new Set((await exercised()).flatMap((s) => [s.name, s.name.replace(/_(bucket|sum|count)$/, '')]));
      expect([...families].filter((f) => !produced.has(f)).sort()).toEqual([]);
      for (const histogram of ['refract_batch_seconds', 'refract_batch_size', 'refract_freshness_seconds', 'refract_embedding_seconds']) {
        for (const suffix of ['_bucket', '_sum', '_count']) expect(produced, `${histogram}${suffix}`).toContain(`${histogram}${suffix}`);
      }
    });

    it('produces the labels and label values their matchers and groupings use', async () => {
      const all = await exercised();
      const problems: string[] = [];
      for (const expr of monitoringQueries()) {
        for (const m of expr.matchAll(/\b(refract_[a-z0-9_]+)\{([^}]*)\}/g)) {
          const series = all.filter((s) => s.name === m[1]);
          for (const matcher of m[2]!.matchAll(/(\w+)\s*(=~|!=|!~|=)\s*"([^"]*)"/g)) {
            const [, label, op, value] = matcher;
            if (TARGET_LABELS.has(label!)) continue;
            const ok = op === '=' ? series.some((s) => s.labels[label!] === value) : series.some((s) => label! in s.labels);
            if (!ok) problems.push(`${m[1]}: ${label}${op}"${value}" in ${expr}`);
          }
        }
        const names = selectedNames(expr);
        for (const grouping of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
          for (const label of grouping[1]!.split(',').map((l) => l.trim()).filter((l) => l && !TARGET_LABELS.has(l))) {
            if (!all.some((s) => names.includes(s.name) && label in s.labels)) problems.push(`by (${label}) in ${expr}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  });
});
