import type { BacklogProbe } from './backlog-probe.ts';
import { LEGS, type LegName, type createLegTap } from './leg-tap.ts';
import type { LoadPublisher } from './load-publisher.ts';
import type { LegSample, LoadSample, Phase } from './load-sample.ts';
import { percentiles } from './percentiles.ts';

/** Where the run is when a second ends. */
export interface RunPosition {
  readonly phase: Phase;
  readonly step: number;
  readonly targetRate: number;
}

/** Every durable write of the run, per leg, for percentiles over any window of publish times. */
export interface DurableLog {
  readonly publishedAt: number[];
  readonly seconds: number[];
}

/**
 * Turns what the publisher and the legs did in the last second into a sample. Backlog: the
 * log's own figure where the probe has one, else published − acked as counted here.
 */
export function createSampleRecorder(deps: {
  readonly tap: ReturnType<typeof createLegTap>;
  readonly publisher: LoadPublisher;
  readonly backlog: BacklogProbe;
  readonly startedAt: number;
  readonly now: () => number;
}) {
  const processedTotal: Record<LegName, number> = { graph: 0, vector: 0 };
  const durable: Record<LegName, DurableLog> = { graph: { publishedAt: [], seconds: [] }, vector: { publishedAt: [], seconds: [] } };
  let scheduled = 0;
  let last = deps.startedAt;
  return {
    durable,
    /** The open loop reports each slice it emitted. */
    scheduled(n: number) {
      scheduled += n;
    },
    async tick(at: RunPosition): Promise<LoadSample> {
      const published = deps.publisher.drain();
      const activity = deps.tap.drain();
      const fromBroker = await Promise.all(LEGS.map((leg) => deps.backlog(leg)));
      const legs = {} as Record<LegName, LegSample>;
      LEGS.forEach((leg, i) => {
        const a = activity[leg];
        processedTotal[leg] += a.processed;
        for (const w of a.durable) {
          durable[leg].publishedAt.push(w.publishedAt);
          durable[leg].seconds.push(w.seconds);
        }
        const broker = fromBroker[i];
        legs[leg] = {
          durable: a.durable.length, processed: a.processed, applied: a.applied, deadLettered: a.deadLettered,
          backlog: broker ?? Math.max(0, deps.publisher.totalPersisted() - processedTotal[leg]),
          backlogSource: broker === undefined ? 'count' : 'broker',
          freshness: percentiles(a.durable.map((w) => w.seconds)),
        };
      });
      const now = deps.now();
      const sample: LoadSample = {
        t: Math.round((now - deps.startedAt) / 100) / 10, seconds: Math.max(0.001, (now - last) / 1000),
        phase: at.phase, step: at.step, targetRate: at.targetRate,
        scheduled, published: published.persisted, publishFailed: published.failed, legs,
      };
      scheduled = 0;
      last = now;
      return sample;
    },
  };
}
