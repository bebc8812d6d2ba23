import type { LegName } from './leg-tap.ts';
import type { Percentiles } from './percentiles.ts';

export type Phase = 'warmup' | 'measure' | 'drain';

/** One leg in one second. Counts are for that second; the backlog is its level at the second's end. */
export interface LegSample {
  /** Messages whose write became durable in the store (applied or stale). */
  readonly durable: number;
  /** Messages acked: written, stale, dead-lettered, or with nothing for this leg to write. */
  readonly processed: number;
  readonly applied: number;
  readonly deadLettered: number;
  readonly backlog: number;
  /** `broker`: the subscription's backlog from the log's admin API; `count`: published − acked, counted here. */
  readonly backlogSource: 'broker' | 'count';
  /** Freshness of the writes that became durable in this second. */
  readonly freshness: Percentiles | null;
}

/** One second of a load run. */
export interface LoadSample {
  /** Seconds since the run started, at the end of this second. */
  readonly t: number;
  /** Seconds this sample covers: about 1, more when a tick came late. Rates are counts / seconds. */
  readonly seconds: number;
  readonly phase: Phase;
  /** Index of the step (0 outside step mode). */
  readonly step: number;
  readonly targetRate: number;
  /** Events the open loop handed to the log in this second. */
  readonly scheduled: number;
  /** Messages the log confirmed as persisted in this second (duplicates count twice). */
  readonly published: number;
  readonly publishFailed: number;
  readonly legs: Readonly<Record<LegName, LegSample>>;
}
