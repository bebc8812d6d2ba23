import type { ApplyResult, PropertyValue, VectorWrite } from '../domain/index.ts';
import type { Page, PurgeOptions, VersionEntry } from './graph-store.port.ts';

export interface StoredDocument {
  readonly index: string;
  readonly id: string;
  readonly version: number;
  readonly deleted: boolean;
  /** A tombstone's deletion time (epoch ms), when its command carried one. */
  readonly deletedAt?: number;
  readonly fields: Readonly<Record<string, PropertyValue>>;
  readonly textHash?: string;
  readonly modelId?: string;
  readonly embedding?: Float32Array;
}

export interface SearchHit {
  readonly id: string;
  readonly score: number;
  readonly fields: Readonly<Record<string, PropertyValue>>;
}

/** The k-NN read model, one index per entity type, guarded per document by version. */
export interface VectorStore {
  /** Documents by id with version, text hash and embedding: one round trip per batch. */
  get(index: string, ids: readonly string[]): Promise<Map<string, StoredDocument>>;
  /** Apply a batch of writes, each version-guarded; a conflict is `stale`. */
  write(writes: readonly VectorWrite[]): Promise<ApplyResult>;
  /** The k nearest live documents by cosine similarity. */
  search(index: string, vector: Float32Array, k: number): Promise<SearchHit[]>;
  scan(index: string, limit: number, after?: string): Promise<Page<VersionEntry>>;
  /** Live (not tombstoned) documents in an index. */
  count(index: string): Promise<number>;
  /**
   * Removes the index's tombstones deleted before `olderThan`, page by page (docs/adr/0002: once
   * purged, an older event replayed later applies again, hence the age). A tombstone written
   * without a deletion time is kept. Returns how many were removed.
   */
  purge(index: string, options: PurgeOptions): Promise<number>;
  close(): Promise<void>;
}

/** One index's generations during a rebuild (docs/adr/0018). */
export interface IndexGeneration {
  /** The port's name for it (an index the app declares, e.g. `person`). */
  readonly index: string;
  /** What readers and the live leg go through. */
  readonly alias: string;
  /** The generation the alias points at now. */
  readonly live: string;
  /** The generation the rebuild fills. */
  readonly next: string;
}

/** Blue/green generations of vector indices: fill a new one beside the live one, then switch. */
export interface VectorGenerations {
  /**
   * Creates an empty next generation of each index beside the live one (one left by an
   * unfinished rebuild is started afresh) and a store that reads and writes only those.
   */
  prepare(indices: readonly string[]): Promise<{ generations: IndexGeneration[]; store: VectorStore }>;
  /** Points every alias at its next generation in one atomic step; fails if an alias moved meanwhile. */
  promote(generations: readonly IndexGeneration[]): Promise<void>;
  /** Deletes generations that no alias points at (refuses a live one). */
  drop(indices: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
