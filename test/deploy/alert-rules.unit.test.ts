import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The monitoring files in deploy/: Prometheus alert rules with their promtool unit tests, the
 * example scrape config, and the Grafana dashboard. promtool checks and tests them; these tests
 * also hold every PromQL expression to the metric names src/ exports, so that renaming a metric
 * without updating the dashboard and the alerts fails here.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PROMETHEUS_DIR = join(REPO, 'deploy/prometheus');
const DASHBOARD = join(REPO, 'deploy/grafana/refract-dashboard.json');

const COUNTERS = [
  'refract_events_received_total', 'refract_events_applied_total', 'refract_events_stale_total',
  'refract_events_dead_lettered_total', 'refract_events_redelivered_total', 'refract_embeddings_computed_total',
  'refract_embeddings_reused_total', 'refract_store_retries_total',
];
const HISTOGRAMS = ['refract_batch_seconds', 'refract_batch_size', 'refract_freshness_seconds', 'refract_embedding_seconds'];
const GAUGES = [
  'refract_backlog_messages', 'refract_dead_letter_messages', 'refract_last_progress_timestamp_seconds',
  'refract_applied_through_timestamp_seconds', 'refract_leg_health',
];
/** prom-client's collectDefaultMetrics({ prefix: 'refract_' }), the ones used here; and Prometheus's own. */
const PROCESS = ['refract_process_cpu_seconds_total', 'refract_nodejs_eventloop_lag_p99_seconds', 'refract_process_resident_memory_bytes', 'up'];
/** The metric names src/ exports (the contract), as they appear in PromQL. */
const KNOWN_METRICS = new Set([
  ...COUNTERS, ...GAUGES, ...PROCESS,
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]),
]);

/** Every alert and its severity: critical when a leg projects nothing, warning otherwise. */
const ALERTS: Record<string, 'critical' | 'warning'> = {
  RefractTargetDown: 'critical',
  RefractLegStopped: 'critical',
  RefractLegStalled: 'critical',
  RefractStoreUnavailable: 'critical',
  RefractBacklogGrowing: 'warning',
  RefractFreshnessHigh: 'warning',
  RefractDeadLetters: 'warning',
  RefractStoreRetries: 'warning',
};

const INSTALL_HINT =
  'promtool is not on PATH. It checks and unit-tests deploy/prometheus; install it with ' +
  '`apt-get update && apt-get install -y prometheus` (Debian/Ubuntu; .ci/run does this), or put the ' +
  'promtool binary of a Prometheus release (https://prometheus.io/download/) on PATH.';

function promtool(args: readonly string[], cwd = PROMETHEUS_DIR): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw 'code' in result.error && result.error.code === 'ENOENT' ? new Error(INSTALL_HINT) : result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectSuccess(args: readonly string[], cwd = PROMETHEUS_DIR): void {
  const { status, output } = promtool(args, cwd);
  expect(status, `promtool ${args.join(' ')} (in ${cwd}) exited ${status}:\n${output}`).toBe(0);
}

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: identifiers outside strings, label matchers,
 * ranges and grouping lists that are neither functions, aggregations nor keywords.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const name = match[0];
    const isCall = /^\s*\(/.test(bare.slice(match.index + name.length));
    if (!isCall && !PROMQL_KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

const rulesSchema = z.object({
  groups: z.array(z.object({
    name: z.string(),
    rules: z.array(z.object({
      alert: z.string(),
      expr: z.string(),
      for: z.string().optional(),
      labels: z.record(z.string(), z.string()),
      annotations: z.record(z.string(), z.string()),
    })),
  })),
});

const rulesTestSchema = z.object({
  rule_files: z.array(z.string()),
  tests: z.array(z.object({
    name: z.string().optional(),
    alert_rule_test: z.array(z.object({
      alertname: z.string(),
      eval_time: z.string(),
      exp_alerts: z.array(z.object({ exp_labels: z.record(z.string(), z.string()).optional() })).nullish(),
    })).optional(),
  })),
});

interface Panel {
  id?: number | undefined;
  type: string;
  title: string;
  datasource?: { type?: string | undefined; uid?: string | undefined } | undefined;
  targets?: { expr: string; datasource?: { type?: string | undefined; uid?: string | undefined } | undefined }[] | undefined;
  panels?: Panel[] | undefined;
}
const datasourceSchema = z.object({ type: z.string().optional(), uid: z.string().optional() });
const panelSchema: z.ZodType<Panel> = z.lazy(() => z.object({
  id: z.number().optional(),
  type: z.string(),
  title: z.string(),
  datasource: datasourceSchema.optional(),
  targets: z.array(z.object({ expr: z.string(), datasource: datasourceSchema.optional() })).optional(),
  panels: z.array(panelSchema).optional(),
}));
const dashboardSchema = z.object({
  title: z.string(),
  uid: z.string(),
  schemaVersion: z.number(),
  panels: z.array(panelSchema),
  templating: z.object({
    list: z.array(z.object({
      name: z.string(),
      type: z.string(),
      query: z.union([z.string(), z.object({ query: z.string() })]).optional(),
      definition: z.string().optional(),
      datasource: datasourceSchema.optional(),
    })),
  }),
});

const readYaml = (path: string): unknown => parse(readFileSync(path, 'utf8'));
const alertRules = () => rulesSchema.parse(readYaml(join(PROMETHEUS_DIR, 'alerts.yml'))).groups.flatMap((g) => g.rules);
const ruleTests = () => rulesTestSchema.parse(readYaml(join(PROMETHEUS_DIR, 'alerts.test.yml'))).tests;
const dashboard = () => dashboardSchema.parse(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
const allPanels = (panels: readonly Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queryPanels = () => allPanels(dashboard().panels).filter((p) => p.type !== 'row');

describe('the Prometheus configuration in deploy/prometheus', () => {
  it('has alert rules promtool accepts', () => {
    expectSuccess(['check', 'rules', 'alerts.yml']);
  });

  it('has an example config promtool accepts, with its rule file', () => {
    expectSuccess(['check', 'config', 'prometheus.yml']);
  });

  it('passes its alert unit tests (promtool test rules)', () => {
    expectSuccess(['test', 'rules', 'alerts.test.yml']);
  });
});

describe('the alert rules', () => {
  it('are exactly the documented alerts, each with its severity', () => {
    expect(Object.fromEntries(alertRules().map((r) => [r.alert, r.labels['severity']]))).toEqual(ALERTS);
  });

  it('each have a summary, a description and a runbook link into docs/operations.md', () => {
    for (const rule of alertRules()) {
      const { summary, description, runbook } = rule.annotations;
      expect(summary, `${rule.alert}: summary`).toMatch(/\S/);
      expect(description, `${rule.alert}: description`).toMatch(/\S/);
      expect(runbook, `${rule.alert}: runbook`).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
    }
  });

  it('each have a unit test where they fire and one where they do not', () => {
    const cases = ruleTests().flatMap((t) => t.alert_rule_test ?? []);
    for (const rule of alertRules()) {
      const own = cases.filter((c) => c.alertname === rule.alert);
      expect(own.some((c) => (c.exp_alerts ?? []).length > 0), `${rule.alert}: a case where it fires`).toBe(true);
      expect(own.some((c) => (c.exp_alerts ?? []).length === 0), `${rule.alert}: a case where it does not fire`).toBe(true);
      for (const c of own) {
        for (const alert of c.exp_alerts ?? []) expect(alert.exp_labels?.['severity'], `${rule.alert} at ${c.eval_time}: severity`).toBe(ALERTS[rule.alert]);
      }
    }
  });

  it('select only metrics src/ exports', () => {
    for (const rule of alertRules()) {
      const names = metricNames(rule.expr);
      expect(names.length, `${rule.alert} selects no metric: ${rule.expr}`).toBeGreaterThan(0);
      expect(names.filter((n) => !KNOWN_METRICS.has(n)), `${rule.alert}: ${rule.expr}`).toEqual([]);
    }
  });
});

describe('the Grafana dashboard', () => {
  it('chooses its Prometheus data source and its legs by template variables', () => {
    const variables = dashboard().templating.list;
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const leg = variables.find((v) => v.name === 'leg');
    expect(leg).toMatchObject({ type: 'query', definition: 'label_values(refract_events_received_total, leg)', datasource: { uid: '${datasource}' } });
    expect(leg?.query).toMatchObject({ query: 'label_values(refract_events_received_total, leg)' });
    for (const panel of queryPanels()) {
      expect(panel.datasource?.uid, `${panel.title}: data source`).toBe('${datasource}');
      for (const t of panel.targets ?? []) expect(t.datasource?.uid, `${panel.title}: target data source`).toBe('${datasource}');
    }
  });

  it('selects only metrics src/ exports, in every panel', () => {
    const panels = queryPanels();
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) {
      expect(panel.targets?.length, `${panel.title}: no query`).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        const names = metricNames(expr);
        expect(names.length, `${panel.title} selects no metric: ${expr}`).toBeGreaterThan(0);
        expect(names.filter((n) => !KNOWN_METRICS.has(n)), `${panel.title}: ${expr}`).toEqual([]);
      }
    }
  });

  it('shows every metric of the contract', () => {
    const shown = new Set(queryPanels().flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))));
    const families = [...COUNTERS, ...GAUGES, ...PROCESS.filter((m) => m !== 'up'), ...HISTOGRAMS];
    const missing = families.filter((m) => !shown.has(m) && !['_bucket', '_sum', '_count'].some((s) => shown.has(`${m}${s}`)));
    expect(missing).toEqual([]);
  });

  it('has queries promtool parses, once its variables are filled in', () => {
    const exprs = queryPanels().flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const filled = exprs.map((e) => e.replaceAll('$__rate_interval', '1m').replaceAll('$leg', 'graph|vector'));
    expect(filled.filter((e) => e.includes('$')), 'unknown Grafana variables').toEqual([]);
    const rules = { groups: [{ name: 'dashboard', rules: filled.map((expr, i) => ({ record: `refract_dashboard:query_${i}`, expr })) }] };
    const dir = mkdtempSync(join(tmpdir(), 'refract-dashboard-'));
    try {
      writeFileSync(join(dir, 'dashboard-queries.yml'), JSON.stringify(rules, null, 2));
      expectSuccess(['check', 'rules', 'dashboard-queries.yml'], dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metricNames', () => {
  it('finds selected metrics and skips functions, aggregations, keywords, labels, ranges and variables', () => {
    const expr = 'histogram_quantile(0.99, sum by (leg, le) (rate(refract_freshness_seconds_bucket{leg=~"$leg", code="a b"}[$__rate_interval])))' +
      ' > 10 and on (leg) (time() - refract_last_progress_timestamp_seconds offset 5m) > 1e3 or max without (instance) (up) * 2';
    expect(metricNames(expr).sort()).toEqual(['refract_freshness_seconds_bucket', 'refract_last_progress_timestamp_seconds', 'up']);
  });
});
