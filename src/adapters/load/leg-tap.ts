import type { CounterName, HistogramName, Metrics } from '../../ports/index.ts';

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
 * Listens to what the runner reports through its Metrics port, passing every call on to the
 * real Metrics. `freshness_seconds` is the runner's own measure of freshness (publish time on
 * the log → the write durable in the store), observed at the moment of durability, so the
 * publish time is recovered as now − freshness. `onBatch` counts the acked messages.
 */
export function createLegTap(inner: Metrics, now: () => number = Date.now) {
  let current: Record<LegName, LegActivity> = { graph: empty(), vector: empty() };
  const isLeg = (leg: string): leg is LegName => leg === 'graph' || leg === 'vector';
  const metrics: Metrics = {
    count(name: CounterName, leg: string, value = 1) {
      inner.count(name, leg, value);
      if (!isLeg(leg)) return;
      if (name === 'events_applied') current[leg].applied += value;
      if (name === 'events_dead_lettered') current[leg].deadLettered += value;
    },
    observe(name: HistogramName, leg: string, value: number) {
      inner.observe(name, leg, value);
      if (name === 'freshness_seconds' && isLeg(leg)) current[leg].durable.push({ publishedAt: now() - value * 1000, seconds: value });
    },
    heartbeat: (leg, at) => inner.heartbeat(leg, at),
  };
  return {
    metrics,
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
