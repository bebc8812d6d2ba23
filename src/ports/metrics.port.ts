export type CounterName =
  | 'events_received'
  | 'events_applied'
  | 'events_stale'
  | 'events_dead_lettered'
  | 'events_redelivered'
  | 'embeddings_computed'
  | 'embeddings_reused'
  | 'store_retries';

/** `freshness_seconds`: an event's publish time on the log → the moment its write is durable in the leg's store. */
export type HistogramName = 'batch_seconds' | 'batch_size' | 'freshness_seconds';

/** What the runner reports; adapters map it onto Prometheus or keep it in memory. */
export interface Metrics {
  count(name: CounterName, leg: string, value?: number): void;
  observe(name: HistogramName, leg: string, value: number): void;
  /** Last time a leg finished a batch or found nothing to do, for stall detection. */
  heartbeat(leg: string, at: number): void;
}
