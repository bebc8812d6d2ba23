import { createHash } from 'node:crypto';

/**
 * Hash of the text that is embedded, together with the model that embeds it. Equal hashes
 * mean the stored vector is still right, so metadata-only updates never call the model.
 */
export function textHash(text: string, modelId: string): string {
  return createHash('sha256').update(modelId).update('\u0000').update(text).digest('hex');
}
