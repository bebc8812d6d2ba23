import type { Embedder, Metrics } from '../ports/index.ts';

/** The same embedder, each call timed as `embedding_seconds` of `leg` (failed calls too). */
export function timedEmbedder(embedder: Embedder, metrics: Metrics, leg: string): Embedder {
  return {
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    async embed(texts) {
      const started = performance.now();
      try {
        return await embedder.embed(texts);
      } finally {
        metrics.observe('embedding_seconds', leg, (performance.now() - started) / 1000);
      }
    },
  };
}
