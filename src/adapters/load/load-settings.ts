import { RefractError } from '../../domain/index.ts';
import type { LoadMix } from './load-mix.ts';

/** One rate held for a while: a warm-up, then the measured seconds. */
export interface LoadStep {
  readonly rate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface LoadSettings {
  /** One step for a plain run; several, at rising rates, in step mode. */
  readonly steps: readonly LoadStep[];
  /** Step mode stops at the first rate that does not hold: past it the backlog only grows. */
  readonly stopAtFirstFailure: boolean;
  readonly entities: number;
  readonly seed: number;
  readonly mix: LoadMix;
  /** Put before every entity id; unique per run so reruns on the same servers start fresh. */
  readonly idPrefix: string;
  /** How often the open loop wakes to publish (ms). */
  readonly sliceMs: number;
  /** After the last step, how long to wait for the legs to work off their backlog. */
  readonly drainTimeoutMs: number;
}

/** `from:to:by` → the rates from `from` up to `to`, `by` apart. */
export function stepRates(spec: string): number[] {
  const parts = spec.split(':').map(Number);
  const [from, to, by] = parts;
  if (parts.length !== 3 || !parts.every((n) => Number.isFinite(n) && n > 0) || (from as number) > (to as number)) {
    throw new RefractError('CONFIG.INVALID', `flag --step wants <from>:<to>:<by>, three positive numbers with from ≤ to (got ${JSON.stringify(spec)})`, { field: 'step', value: spec });
  }
  const rates: number[] = [];
  for (let r = from as number; r <= (to as number) + 1e-9; r += by as number) rates.push(r);
  return rates;
}

/** A run-unique id prefix: base-36 time and a random tail, short enough to read in the graph. */
export const runIdPrefix = (now: number = Date.now(), random: () => number = Math.random) =>
  `load-${now.toString(36)}${Math.floor(random() * 36 ** 3).toString(36).padStart(3, '0')}-`;
