import type { ApplyResult, PropertyValue, VectorWrite } from '../domain/index.ts';
import type { Page, VersionEntry } from './graph-store.port.ts';

export interface StoredDocument {
  readonly index: string;
  readonly id: string;
  readonly version: number;
  readonly deleted: boolean;
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
  close(): Promise<void>;
}
