import type { ApplyResult } from '../domain/index.ts';

/** What a sink adds to a store's result: how embeddings were resolved (vector leg only). */
export interface SinkResult extends ApplyResult {
  readonly embeddingsComputed: number;
  readonly embeddingsReused: number;
}

/**
 * Where a leg's commands go. `rejected[].position` indexes the commands passed in;
 * transient failures are thrown as retryable RefractErrors, never reported as rejected.
 */
export interface LegSink<C> {
  apply(commands: readonly C[]): Promise<SinkResult>;
  /**
   * Resolves when the store (and whatever else the sink calls, such as the embedder) answers a
   * point request shaped like `sample`; throws otherwise. It tells a failing store from a
   * failing item: an item that fails alone while `check` passes is at fault.
   */
  check(sample: readonly C[]): Promise<void>;
}
