export type CounterName =
  | 'events_received'
  | 'events_applied'
  | 'events_stale'
  | 'events_dead_lettered'
  | 'events_redelivered'
  | 'embeddings_computed'
  | 'embeddings_reused'
  | 'store_retries';

export type HistogramName = 'batch_seconds' | 'batch_size';

/** What the runner reports; adapters map it onto Prometheus or keep it in memory. */
export interface Metrics {
  count(name: CounterName, leg: string, value?: number): void;
  observe(name: HistogramName, leg: string, value: number): void;
  /** Last time a leg finished a batch or found nothing to do, for stall detection. */
  heartbeat(leg: string, at: number): void;
}
