import type { PayloadCatalog, EventLimits } from '../domain/index.ts';
import type { LegProjection, Target, TargetCommands } from '../projections/projection.ts';
import type { Clock, DeadLetters, InFlightJournal, Logger, Metrics, Subscription } from '../ports/index.ts';
import type { IsolationLock } from './isolation-lock.ts';
import type { LegHealth } from './leg-health.ts';
import type { RetryPolicy } from './retry.ts';
import type { LegSink } from './sink.ts';

/** One projection leg: its projections and the sink their commands go to. */
export interface Leg<T extends Target = Target> {
  readonly name: string;
  readonly projections: readonly LegProjection<T>[];
  readonly sink: LegSink<TargetCommands[T]>;
}

export interface RunnerDeps {
  readonly subscription: Subscription;
  readonly deadLetters: DeadLetters;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly catalog: PayloadCatalog;
  /** Durable record of the batch in hand, so a message that kills the process is isolated. */
  readonly journal: InFlightJournal;
  /** One per process, shared by its legs: a suspect message is worked on alone in the process. */
  readonly isolation?: IsolationLock;
  readonly limits?: EventLimits;
  /** Source of jitter; injectable so tests are reproducible. */
  readonly random?: () => number;
}

/** When rejections stop being about the items (docs/adr/0012): like Kafka Connect's errors.tolerance. */
export interface Tolerance {
  /** Stop the leg when more than this share of a batch's messages fail on the store or projection … */
  readonly maxFailedShare: number;
  /** … and at least this many did (so one bad message in a small batch is still only dead-lettered). */
  readonly minFailed: number;
}

export interface RunnerOptions {
  readonly batchSize: number;
  readonly maxWaitMs: number;
  /** Retries of a whole batch before its items are tried one by one, or the leg reports itself degraded. */
  readonly retry: RetryPolicy;
  /** Attempts for one message alone before it is dead-lettered (while the store itself answers). */
  readonly itemAttempts: number;
  readonly tolerance: Tolerance;
  /** A message in flight at this many consecutive crashes is dead-lettered as "crashed the process". */
  readonly maxCrashes: number;
  /** Return once a receive comes back empty and the subscription's backlog is zero. */
  readonly stopWhenDrained: boolean;
  /** Graceful shutdown: the batch in hand is finished (or left unacked if its store is down). */
  readonly signal?: AbortSignal;
  readonly onBatch?: (leg: string, received: number) => void;
  /**
   * Called once a batch's writes are durable in the leg's store (before the ack), with the log's
   * publish time of each message written (applied or stale) and the time it became durable.
   */
  readonly onDurable?: (leg: string, publishTimes: readonly number[], durableAt: number) => void;
  /** Called whenever the leg's health changes (healthy → degraded → healthy, or stopped). */
  readonly onHealth?: (leg: string, health: LegHealth) => void;
  /**
   * Called when a receive comes back empty: every message this leg was given before `through`
   * (epoch ms) has been worked on and acked. A rebuild waits for it to know it has caught up.
   */
  readonly onCaughtUp?: (leg: string, through: number) => void;
}

const DEFAULT_TOLERANCE: Tolerance = { maxFailedShare: 0.5, minFailed: 5 };

export const DEFAULT_RUNNER_OPTIONS: Omit<RunnerOptions, 'retry'> = {
  batchSize: 100,
  maxWaitMs: 50,
  itemAttempts: 3,
  tolerance: DEFAULT_TOLERANCE,
  maxCrashes: 3,
  stopWhenDrained: false,
};
