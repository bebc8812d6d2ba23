import type { CounterName, GaugeName, HistogramName, MetricLabels, Metrics } from '../../ports/index.ts';

/** Metrics kept in process: counter totals per (name, leg) and the last gauge values, for the demo summary and tests. */
export function createMemoryMetrics(): Metrics & {
  total(name: CounterName, leg?: string): number;
  gauge(name: GaugeName, leg: string, labels?: MetricLabels): number | undefined;
  lastHeartbeat(leg: string): number | undefined;
} {
  const counters = new Map<string, number>();
  const gauges = new Map<string, number>();
  const heartbeats = new Map<string, number>();
  const gaugeKey = (name: GaugeName, leg: string, labels: MetricLabels = {}) => JSON.stringify([name, leg, Object.entries(labels).sort()]);
  return {
    count(name, leg, value = 1) {
      const key = `${name}|${leg}`;
      counters.set(key, (counters.get(key) ?? 0) + value);
    },
    observe(_name: HistogramName, _leg: string, _value: number) {
      // Histograms are the Prometheus adapter's job; totals are enough in memory.
    },
    set: (name, leg, value, labels) => void gauges.set(gaugeKey(name, leg, labels), value),
    gauge: (name, leg, labels) => gauges.get(gaugeKey(name, leg, labels)),
    heartbeat: (leg, at) => void heartbeats.set(leg, at),
    total(name, leg) {
      let sum = 0;
      for (const [key, value] of counters) {
        const [n, l] = key.split('|');
        if (n === name && (leg === undefined || l === leg)) sum += value;
      }
      return sum;
    },
    lastHeartbeat: (leg) => heartbeats.get(leg),
  };
}
