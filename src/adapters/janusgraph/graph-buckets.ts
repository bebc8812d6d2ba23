/**
 * How many hash buckets the graph's vertices are spread over (docs/adr/0010). Stored on every
 * vertex, so changing it means re-stamping the graph. 4,096 keeps a bucket near 2,000 vertices
 * up to about 8 million vertices; small graphs pay for it with at least BUCKETS / MAX_SPAN
 * requests per whole-graph pass.
 */
export const BUCKETS = 4096;

/**
 * A vertex's bucket: 32-bit FNV-1a over the id's UTF-16 code units, mixed by MurmurHash3's
 * finaliser (FNV's low bits alone spread sequential ids unevenly), modulo BUCKETS. Computed
 * here and sent as data, so every writer (and any later tool) agrees on it without the server.
 */
export function bucketOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % BUCKETS;
}
