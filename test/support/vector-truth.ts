import type { EntityEvent } from '../../src/domain/index.ts';
import type { Embedder, VectorStore } from '../../src/ports/index.ts';
import { newestPerEntity } from './oracle.ts';

/**
 * Ids whose stored vector is not the embedding of their own newest text: a vector written to
 * the wrong document passes every hash and field check, so it is compared with the model's
 * answer for that document's text, asked one text at a time. Vectors stored as float32 on a
 * server are compared to a tolerance.
 */
export async function misplacedVectors(
  store: VectorStore, indices: readonly string[], embedder: Embedder, events: readonly EntityEvent[],
): Promise<string[]> {
  const newest = newestPerEntity(events);
  const wrong: string[] = [];
  for (const index of indices) {
    let after: string | undefined;
    do {
      const page = await store.scan(index, 500, after);
      for (const document of (await store.get(index, page.items.map((i) => i.id))).values()) {
        if (document.deleted) continue;
        const text = newest.get(document.id)?.text_for_embedding;
        const [own] = text === undefined ? [] : await embedder.embed([text]);
        if (!own || !document.embedding || !close(own, document.embedding)) wrong.push(document.id);
      }
      after = page.next;
    } while (after !== undefined);
  }
  return wrong;
}

const close = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Math.abs(x - (b[i] ?? NaN)) < 1e-5);
