import { z } from 'zod';
import type { VectorWrite } from '../../domain/index.ts';
import type { StoredDocument } from '../../ports/index.ts';
import { EMBEDDING_FIELD } from './vector-index-body.ts';

/**
 * The `_source` of a vector document. A tombstone is a document too (`deleted: true`, its
 * version, no vector): a real delete is forgotten after `index.gc_deletes`, and then a late,
 * older create would resurrect the entity. It carries no vector at all, never a zero one
 * (cosinesimil refuses zero vectors, and a tombstone must not be findable anyway).
 */
export function toSource(write: VectorWrite): Record<string, unknown> {
  const base = { entity_id: write.id, entity_type: write.index, version: write.version };
  if (write.kind === 'tombstone') return { ...base, deleted: true, fields: {}, ...(write.deletedAt === undefined ? {} : { deleted_at: write.deletedAt }) };
  return {
    ...base,
    deleted: false,
    fields: write.fields,
    text_hash: write.textHash,
    model_id: write.modelId,
    // Float32 → JSON → Float32 is exact: a double prints enough digits to round back.
    [EMBEDDING_FIELD]: Array.from(write.embedding),
  };
}

const sourceSchema = z.object({
  deleted: z.boolean().default(false),
  deleted_at: z.number().optional(),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  text_hash: z.string().optional(),
  model_id: z.string().optional(),
  [EMBEDDING_FIELD]: z.array(z.number()).optional(),
});

/**
 * A stored document as the port describes it. `index` is the entity type the caller asked
 * for (not the concrete index behind the alias); the version is OpenSearch's own `_version`,
 * which external versioning keeps equal to the event's version.
 */
export function fromSource(index: string, id: string, version: number, source: unknown): StoredDocument {
  const parsed = sourceSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`document ${id} in ${index} is not a Refract vector document: ${parsed.error.message}`);
  }
  const { deleted, deleted_at: deletedAt, fields, text_hash: textHash, model_id: modelId } = parsed.data;
  const vector = parsed.data[EMBEDDING_FIELD];
  return {
    index, id, version, deleted, fields,
    ...(deletedAt === undefined ? {} : { deletedAt }),
    ...(textHash === undefined ? {} : { textHash }),
    ...(modelId === undefined ? {} : { modelId }),
    ...(vector === undefined ? {} : { embedding: Float32Array.from(vector) }),
  };
}
