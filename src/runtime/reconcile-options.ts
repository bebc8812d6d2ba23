import type { EventLog, GraphStore, Logger, VectorStore } from '../ports/index.ts';
import type { App } from '../projections/app.ts';
import type { LegReconcileReport } from './reconcile-report.ts';

/** Where a reconciliation is: reading the log, scanning a store, or re-checking what looked divergent. */
export type ReconcileProgress =
  | { readonly phase: 'log'; readonly messages: number; readonly entities: number }
  | { readonly phase: 'scan'; readonly store: string; readonly scanned: number }
  | { readonly phase: 'settle'; readonly attempt: number; readonly attempts: number; readonly candidates: number }
  | { readonly phase: 'repair'; readonly republished: number; readonly entities: number };

export interface ReconcileOptions {
  readonly log: EventLog;
  readonly app: App;
  /** The graph to check; absent: the graph is not checked. */
  readonly graph?: GraphStore;
  /** The vector store to check, every index the app declares; absent: not checked. A rebuild passes a new generation's. */
  readonly vectors?: VectorStore;
  /** Messages per log page, entries per store page and ids per point-get (default 500). */
  readonly pageSize?: number;
  /** Samples kept per store and category (default 10). */
  readonly samples?: number;
  /**
   * A divergence seen while events flow may be an event in flight: it is reported only if it is
   * still there after re-reading the log's tail and the store, up to `attempts` times, `delayMs`
   * apart (default 5 × 1,000 ms; 0 attempts: report what the first pass saw).
   */
  readonly settle?: { readonly attempts: number; readonly delayMs: number };
  /** Tombstones deleted before this time (epoch ms) may have been purged by `graph purge`: their absence is expected. */
  readonly purgedBefore?: number;
  readonly onProgress?: (progress: ReconcileProgress) => void;
  readonly logger?: Logger;
}

export interface ReconcileReport {
  /** Any store differs from the log. */
  readonly divergent: boolean;
  /** Distinct entities on the log (decodable events). */
  readonly logEntities: number;
  readonly logMessages: number;
  /** Messages that do not decode, and events a projection throws on: the legs dead-letter both. */
  readonly deadLetters: { readonly undecodable: number; readonly projectionFailed: number };
  /** One per store checked: the graph, then each vector index. */
  readonly legs: readonly LegReconcileReport[];
}

export const DEFAULT_SETTLE = { attempts: 5, delayMs: 1_000 } as const;
