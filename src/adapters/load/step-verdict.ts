import { LEGS } from './leg-tap.ts';
import type { LoadSample } from './load-sample.ts';

/** When a step counts as held: the defaults say "the legs keep up, give or take two seconds of work". */
export interface StepBounds {
  /** The backlog at the step's end must stay under this many seconds' worth of the rate. */
  readonly backlogSeconds: number;
  /** Over the step's second half, the backlog may grow by at most this share of the rate per second … */
  readonly growthShare: number;
  /** … unless it is still under this many seconds of the rate (a batch in flight is noise, not a trend). */
  readonly noiseSeconds: number;
  /** The log must have accepted at least this share of the target rate, or the generator was the limit. */
  readonly publishShare: number;
}

export const DEFAULT_STEP_BOUNDS: StepBounds = { backlogSeconds: 2, growthShare: 0.05, noiseSeconds: 0.5, publishShare: 0.9 };

export interface StepVerdict {
  readonly rate: number;
  readonly holds: boolean;
  /** Why it did not hold; empty when it did. */
  readonly reasons: readonly string[];
  /** The larger leg backlog, averaged over the step's last three seconds. */
  readonly endBacklog: number;
  /** Messages per second by which the larger leg backlog grew over the step's second half. */
  readonly backlogGrowth: number;
  readonly publishedRate: number;
}

/** Whether a rate held, from the measured seconds of its step (warm-up excluded). */
export function stepVerdict(rate: number, samples: readonly LoadSample[], bounds: StepBounds = DEFAULT_STEP_BOUNDS): StepVerdict {
  if (!samples.length) return { rate, holds: false, reasons: ['no measured seconds'], endBacklog: 0, backlogGrowth: 0, publishedRate: 0 };
  const backlog = samples.map((s) => Math.max(...LEGS.map((leg) => s.legs[leg].backlog)));
  const tail = backlog.slice(-3);
  const endBacklog = tail.reduce((a, b) => a + b, 0) / tail.length;
  const half = samples.slice(Math.floor(samples.length / 2));
  const backlogGrowth = slope(half.map((s) => s.t), backlog.slice(Math.floor(samples.length / 2)));
  const publishedRate = samples.reduce((a, s) => a + s.published, 0) / samples.reduce((a, s) => a + s.seconds, 0);
  const reasons: string[] = [];
  if (endBacklog > bounds.backlogSeconds * rate) reasons.push(`backlog ${Math.round(endBacklog)} at the end is above ${bounds.backlogSeconds} s of the rate (${Math.round(bounds.backlogSeconds * rate)})`);
  if (backlogGrowth > bounds.growthShare * rate && endBacklog > bounds.noiseSeconds * rate) reasons.push(`backlog still growing by ${Math.round(backlogGrowth)} messages/s`);
  if (publishedRate < bounds.publishShare * rate) reasons.push(`the log accepted only ${Math.round(publishedRate)} messages/s: the publishing side was the limit`);
  return { rate, holds: reasons.length === 0, reasons, endBacklog, backlogGrowth, publishedRate };
}

/** Least-squares slope of y over x; 0 with fewer than two points. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return 0;
  const mx = x.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const my = y.slice(0, n).reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((x[i] as number) - mx) * ((y[i] as number) - my);
    den += ((x[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
