/** Turns texts into vectors of a fixed dimension; one call per batch. */
export interface Embedder {
  /** Identifies the model; part of the stored text hash, so a model change re-embeds. */
  readonly modelId: string;
  readonly dimension: number;
  /** One vector per text, in order; L2-normalised. Throws RefractError('EMBEDDER.*'). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
