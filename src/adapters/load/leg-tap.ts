import type { CounterName, HistogramName, MetricLabels, Metrics } from '../../ports/index.ts';

export type LegName = 'graph' | 'vector';
export const LEGS: readonly LegName[] = ['graph', 'vector'];

/** One message made durable in a leg's store: when it was published on the log, and how long it took. */
export interface DurableWrite {
  readonly publishedAt: number;
  readonly seconds: number;
}

/** What the legs have done since the last `drain()`. */
export interface LegActivity {
  durable: DurableWrite[];
  /** Messages whose batch was finished and acked (written, stale, dead-lettered or nothing to write). */
  processed: number;
  applied: number;
  deadLettered: number;
}

const empty = (): LegActivity => ({ durable: [], processed: 0, applied: 0, deadLettered: 0 });

/**
 * Listens to what the runner reports: applied and dead-lettered counts through its Metrics port
 * (every call is passed on to the real Metrics), freshness through `onDurable` (publish time on
 * the log → the write durable in the store), acked messages through `onBatch`.
 */
export function createLegTap(inner: Metrics) {
  let current: Record<LegName, LegActivity> = { graph: empty(), vector: empty() };
  const isLeg = (leg: string): leg is LegName => leg === 'graph' || leg === 'vector';
  const metrics: Metrics = {
    count(name: CounterName, leg: string, value = 1, labels?: MetricLabels) {
      inner.count(name, leg, value, labels);
      if (!isLeg(leg)) return;
      if (name === 'events_applied') current[leg].applied += value;
      if (name === 'events_dead_lettered') current[leg].deadLettered += value;
    },
    observe: (name: HistogramName, leg: string, value: number, labels?: MetricLabels) => inner.observe(name, leg, value, labels),
    set: (name, leg, value, labels) => inner.set(name, leg, value, labels),
    heartbeat: (leg, at) => inner.heartbeat(leg, at),
  };
  return {
    metrics,
    /** The runner's `onDurable`: each message's publish time on the log and when its write became durable. */
    onDurable(leg: string, publishTimes: readonly number[], durableAt: number) {
      if (!isLeg(leg)) return;
      for (const publishedAt of publishTimes) {
        current[leg].durable.push({ publishedAt, seconds: Math.max(0, durableAt - publishedAt) / 1000 });
      }
    },
    onBatch(leg: string, received: number) {
      if (isLeg(leg)) current[leg].processed += received;
    },
    /** Everything since the last call, and a fresh start. */
    drain(): Record<LegName, LegActivity> {
      const out = current;
      current = { graph: empty(), vector: empty() };
      return out;
    },
  };
}
