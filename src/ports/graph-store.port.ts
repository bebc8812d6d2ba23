import type { ApplyResult, GraphCommand, OwnedEdge, PropertyValue } from '../domain/index.ts';

/** A vertex as the store holds it. Placeholders exist only because an edge points at them. */
export interface StoredVertex {
  readonly label: string;
  readonly id: string;
  /** 0 for a placeholder that no event has filled yet. */
  readonly version: number;
  readonly deleted: boolean;
  /** A tombstone's deletion time (epoch ms), from its command; absent on live vertices. */
  readonly deletedAt?: number;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly edges: readonly OwnedEdge[];
}

export interface VersionEntry {
  readonly id: string;
  readonly version: number;
  readonly deleted: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** An opaque cursor: pass it back to get the next page; absent on the last one. */
  readonly next?: string;
}

export interface ApplyOptions {
  /**
   * Rewrite a vertex whose stored version equals the command's (a rebuild replaying the log
   * under a changed mapping, docs/adr/0018); an older command is still stale. Default false.
   */
  readonly rewriteEqual?: boolean;
}

export interface PurgeOptions {
  /** Only tombstones deleted before this time (epoch ms) are purged; younger ones stay. */
  readonly olderThan: number;
  /** Called after each page of work, so a long purge can report progress. */
  readonly onProgress?: (progress: PurgeProgress) => void;
}

export interface PurgeProgress {
  /** Vertices removed or reset so far. */
  readonly purged: number;
  /** The share of the graph walked so far, 0 to 1. */
  readonly done: number;
}

/**
 * The property graph read model, guarded per entity by version. Ids are unique across labels;
 * a vertex keeps the label it was created with (a placeholder's comes from the reference).
 */
export interface GraphStore {
  /** Apply a batch; every command is version-guarded. Throws retryable errors for transient failures. */
  apply(commands: readonly GraphCommand[], options?: ApplyOptions): Promise<ApplyResult>;
  /** Vertices by id (tombstoned ones included, flagged); missing ids are absent. */
  get(ids: readonly string[]): Promise<Map<string, StoredVertex>>;
  /** Ids of vertices with an edge `label` pointing at `id` (live vertices only). */
  sources(id: string, label: string): Promise<string[]>;
  /**
   * All ids with versions, page by page (reconciliation): every vertex present throughout the
   * scan is listed exactly once across the pages, in no promised order. A page holds at most
   * `limit` entries and may hold fewer, even none, before the last; pass `next` back as `after`.
   */
  scan(limit: number, after?: string): Promise<Page<VersionEntry>>;
  /**
   * Remove tombstones deleted before `olderThan` and orphan placeholders (no edge points at
   * them any more); such a tombstone that live vertices still point at becomes a placeholder,
   * so their edges survive. Returns how many vertices were removed or reset. An explicit,
   * documented job (docs/adr/0002): once a tombstone is purged, an older event for that id
   * replayed later would apply again, hence the age.
   */
  purge(options: PurgeOptions): Promise<number>;
  /** Live vertices (placeholders included) and the edges they own. */
  count(): Promise<{ vertices: number; edges: number }>;
  close(): Promise<void>;
}
