import type { PropertyValue } from './graph-commands.ts';

/**
 * Vector commands (docs/adr/0003). The projection cannot see the store, so it never decides
 * whether to embed: the runtime turns an upsert into a write with a fresh or reused vector.
 */
export type VectorCommand =
  | {
      readonly kind: 'upsert_document';
      readonly index: string;
      readonly id: string;
      readonly version: number;
      readonly fields: Readonly<Record<string, PropertyValue>>;
      readonly text: string;
    }
  | {
      readonly kind: 'tombstone_document';
      readonly index: string;
      readonly id: string;
      readonly version: number;
      /** When the entity was deleted (the delete event's `occurred_at`, epoch ms): a purge spares young tombstones. */
      readonly deletedAt?: number;
    };

/** What a vector store writes: a full document (vector included) or a versioned tombstone. */
export type VectorWrite =
  | {
      readonly kind: 'index';
      readonly index: string;
      readonly id: string;
      readonly version: number;
      readonly fields: Readonly<Record<string, PropertyValue>>;
      readonly textHash: string;
      readonly modelId: string;
      readonly embedding: Float32Array;
    }
  | { readonly kind: 'tombstone'; readonly index: string; readonly id: string; readonly version: number; readonly deletedAt?: number };
