import type { Embedder } from '../../src/ports/index.ts';

/** Wraps an embedder and records every text it was asked to embed. */
export function countingEmbedder(inner: Embedder): Embedder & { texts: string[]; calls: number } {
  const spy = {
    modelId: inner.modelId,
    dimension: inner.dimension,
    texts: [] as string[],
    calls: 0,
    embed(texts: readonly string[]) {
      spy.calls += 1;
      spy.texts.push(...texts);
      return inner.embed(texts);
    },
  };
  return spy;
}
