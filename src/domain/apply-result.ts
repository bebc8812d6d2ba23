import type { RefractError } from './errors.ts';

/**
 * What a store reports for a batch, by command position. `stale` writes were older than (or
 * equal to) what the store holds: a no-op, never an error. `rejected` are permanent per-item
 * failures; transient failures are thrown as retryable errors instead.
 */
export interface ApplyResult {
  readonly applied: number;
  readonly stale: number;
  readonly rejected: readonly { readonly position: number; readonly error: RefractError }[];
}

export const emptyResult: ApplyResult = { applied: 0, stale: 0, rejected: [] };
