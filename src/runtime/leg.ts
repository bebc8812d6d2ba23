import type { PayloadCatalog, EventLimits } from '../domain/index.ts';
import type { ProjectionDefinition, Target, TargetCommands } from '../projections/projection.ts';
import type { Clock, DeadLetters, Metrics, Subscription } from '../ports/index.ts';
import type { RetryPolicy } from './retry.ts';
import type { LegSink } from './sink.ts';

/** One projection leg: its projections and the sink their commands go to. */
export interface Leg<T extends Target = Target> {
  readonly name: string;
  readonly projections: readonly ProjectionDefinition<T>[];
  readonly sink: LegSink<TargetCommands[T]>;
}

export interface RunnerDeps {
  readonly subscription: Subscription;
  readonly deadLetters: DeadLetters;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly catalog: PayloadCatalog;
  readonly limits?: EventLimits;
  /** Source of jitter; injectable so tests are reproducible. */
  readonly random?: () => number;
}

export interface RunnerOptions {
  readonly batchSize: number;
  readonly maxWaitMs: number;
  /** Unknown errors: after this many redeliveries the message is dead-lettered with its stack. */
  readonly maxRedeliveries: number;
  readonly retry: RetryPolicy;
  /** Return once a receive comes back empty and the subscription's backlog is zero. */
  readonly stopWhenDrained: boolean;
  /** Graceful shutdown: the batch in hand is finished (or left unacked if its store is down). */
  readonly signal?: AbortSignal;
  readonly onBatch?: (leg: string, received: number) => void;
}

export const DEFAULT_RUNNER_OPTIONS: Omit<RunnerOptions, 'retry'> = {
  batchSize: 100,
  maxWaitMs: 50,
  maxRedeliveries: 5,
  stopWhenDrained: false,
};
