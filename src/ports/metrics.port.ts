export type CounterName =
  | 'events_received'
  | 'events_applied'
  | 'events_stale'
  | 'events_dead_lettered'
  | 'events_redelivered'
  | 'embeddings_computed'
  | 'embeddings_reused'
  | 'store_retries';

/**
 * - `batch_seconds`: a batch's time, per `stage` label: `decode`, `project`, `write` (the store
 *   write with its retries; on the vector leg it includes the embedding), `dead_letters`, `ack`
 *   and `total`.
 * - `freshness_seconds`: an event's publish time on the log → the moment its write is durable
 *   in the leg's store.
 * - `embedding_seconds`: one call to the embedding model.
 */
export type HistogramName = 'batch_seconds' | 'batch_size' | 'freshness_seconds' | 'embedding_seconds';

/**
 * - `backlog_messages`: the leg's subscription backlog, sampled from the log.
 * - `dead_letter_messages`: messages waiting in the leg's dead-letter topic.
 * - `applied_through_timestamp_seconds`: the publish time up to which the leg has everything
 *   durable (or acked as nothing to write, stale or dead-lettered).
 * - `leg_health`: 1 for the leg's current state (`state` label), 0 for the others.
 */
export type GaugeName =
  | 'backlog_messages'
  | 'dead_letter_messages'
  | 'applied_through_timestamp_seconds'
  | 'leg_health';

/** Extra labels: `reason` on dead letters, `code` on store retries, `stage` on batch_seconds, `state` on leg_health. */
export type MetricLabels = Readonly<Partial<Record<'reason' | 'code' | 'stage' | 'state', string>>>;

/** What the runner reports; adapters map it onto Prometheus or keep it in memory. */
export interface Metrics {
  count(name: CounterName, leg: string, value?: number, labels?: MetricLabels): void;
  observe(name: HistogramName, leg: string, value: number, labels?: MetricLabels): void;
  set(name: GaugeName, leg: string, value: number, labels?: MetricLabels): void;
  /** Last time a leg finished a batch or found nothing to do, for stall detection (`last_progress_timestamp_seconds`). */
  heartbeat(leg: string, at: number): void;
}
