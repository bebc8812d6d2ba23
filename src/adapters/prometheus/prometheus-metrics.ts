import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterName, GaugeName, HistogramName, MetricLabels, Metrics } from '../../ports/index.ts';

/**
 * The Metrics port on prom-client (docs/operations.md lists every series). Names are
 * `refract_<name>`, counters end in `_total`, and every series has a `leg` label; a few have
 * one more (`reason`, `code`, `stage`, `state`). Process metrics (CPU, memory, event-loop lag,
 * GC) come from prom-client's defaults with the same prefix.
 */
export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  /** Creates each leg's label-only series at zero, so a dashboard shows 0 rather than nothing. */
  initialise(legs: readonly string[]): void;
  /** Unix milliseconds of a leg's last progress, for readiness; undefined before the first. */
  lastProgress(leg: string): number | undefined;
}

const PREFIX = 'refract_';

const COUNTERS: Readonly<Record<CounterName, { help: string; labels?: readonly string[] }>> = {
  events_received: { help: 'Messages a leg received from the log (redeliveries included).' },
  events_applied: { help: 'Events whose write a store applied.' },
  events_stale: { help: 'Events a store already held at the same or a newer version (not an error).' },
  events_dead_lettered: { help: 'Messages sent to the leg\'s dead-letter topic, by reason (an error code).', labels: ['reason'] },
  events_redelivered: { help: 'Messages the log delivered again (after a restart or a lost consumer).' },
  embeddings_computed: { help: 'Texts the embedding model was run on.' },
  embeddings_reused: { help: 'Writes that kept the stored vector because the text had not changed.' },
  store_retries: { help: 'Retried store writes (a whole batch or one item alone), by error code; retries of receive, ack and dead-letter sends are logged only.', labels: ['code'] },
};

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const HISTOGRAMS: Readonly<Record<HistogramName, { help: string; buckets: number[]; labels?: readonly string[] }>> = {
  batch_seconds: { help: 'Time of a batch by stage: decode, project, write (with embedding on the vector leg), dead_letters, ack, total.', buckets: SECONDS, labels: ['stage'] },
  batch_size: { help: 'Messages per batch.', buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000] },
  freshness_seconds: { help: 'Publish time on the log to the moment the write is durable in the leg\'s store.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900] },
  embedding_seconds: { help: 'One call to the embedding model.', buckets: SECONDS },
};

const GAUGES: Readonly<Record<GaugeName | 'last_progress_timestamp_seconds', { help: string; labels?: readonly string[] }>> = {
  backlog_messages: { help: 'Messages of the leg\'s subscription not yet acked, sampled from the log at scrape time.' },
  dead_letter_messages: { help: 'Messages waiting in the leg\'s dead-letter topic, sampled at scrape time.' },
  applied_through_timestamp_seconds: { help: 'Publish time (unix s) up to which this process has everything of the leg durable or settled.' },
  leg_health: { help: '1 for the leg\'s current state (healthy, degraded, stopped), 0 for the others.', labels: ['state'] },
  last_progress_timestamp_seconds: { help: 'Unix time of the leg\'s last receive that returned (a batch or nothing to do).' },
};

export function createPrometheusMetrics(options: { defaultMetrics?: boolean } = {}): PrometheusMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const labelNames = (extra: readonly string[] = []) => ['leg', ...extra];
  const counters = mapValues(COUNTERS, (name, c) => new Counter({ name: `${PREFIX}${name}_total`, help: c.help, labelNames: labelNames(c.labels), registers: [registry] }));
  const histograms = mapValues(HISTOGRAMS, (name, h) => new Histogram({ name: `${PREFIX}${name}`, help: h.help, buckets: h.buckets, labelNames: labelNames(h.labels), registers: [registry] }));
  const gauges = mapValues(GAUGES, (name, g) => new Gauge({ name: `${PREFIX}${name}`, help: g.help, labelNames: labelNames(g.labels), registers: [registry] }));
  const progress = new Map<string, number>();
  const labels = (leg: string, extra?: MetricLabels) => ({ leg, ...extra });
  return {
    registry,
    count: (name, leg, value = 1, extra) => counters[name].inc(labels(leg, extra), value),
    observe: (name, leg, value, extra) => histograms[name].observe(labels(leg, extra), value),
    set: (name, leg, value, extra) => gauges[name].set(labels(leg, extra), value),
    heartbeat(leg, at) {
      progress.set(leg, at);
      gauges.last_progress_timestamp_seconds.set({ leg }, at / 1000);
    },
    lastProgress: (leg) => progress.get(leg),
    initialise(legs) {
      for (const leg of legs) {
        for (const [name, c] of Object.entries(COUNTERS)) if (!c.labels) counters[name as CounterName].inc({ leg }, 0);
        for (const [name, h] of Object.entries(HISTOGRAMS)) if (!h.labels) histograms[name as HistogramName].zero({ leg });
      }
    },
  };
}

function mapValues<K extends string, V, R>(record: Readonly<Record<K, V>>, f: (key: K, value: V) => R): Record<K, R> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(k as K, v as V)])) as Record<K, R>;
}
