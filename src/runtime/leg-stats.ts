/** Running totals for one leg. */
export interface LegStats {
  received: number;
  applied: number;
  stale: number;
  deadLettered: number;
  embeddingsComputed: number;
  embeddingsReused: number;
  batches: number;
  storeRetries: number;
}

export const newLegStats = (): LegStats => ({
  received: 0,
  applied: 0,
  stale: 0,
  deadLettered: 0,
  embeddingsComputed: 0,
  embeddingsReused: 0,
  batches: 0,
  storeRetries: 0,
});
