import { z } from 'zod';

const MAX_ID_BYTES = 512;
const encoder = new TextEncoder();

/**
 * An entity id is the graph's lookup key and the vector index's document id, so it must fit
 * both: at most 512 UTF-8 bytes (OpenSearch's `_id` limit) and no control characters.
 */
export const entityIdSchema = z
  .string()
  .min(1)
  .refine((id) => encoder.encode(id).byteLength <= MAX_ID_BYTES, `at most ${MAX_ID_BYTES} UTF-8 bytes`)
  // eslint-disable-next-line no-control-regex
  .refine((id) => !/[\u0000-\u001f\u007f]/.test(id), 'no control characters');
