/** Messages between an embedder running in a worker thread and its host (worker-embedder.ts). */

/** What the worker is told at start: which module builds its embedder, and with what. */
export interface EmbedderWorkerData {
  /** URL of an ES module exporting the factory. */
  readonly module: string;
  /** Name of the export: `(options) => Embedder | Promise<Embedder>`. */
  readonly factory: string;
  /** Structured-cloneable options for the factory. */
  readonly options: unknown;
}

export interface WorkerFailure {
  readonly message: string;
  /** The RefractError code, when the worker threw one. */
  readonly code?: string;
}

export type FromWorker =
  | { readonly kind: 'ready'; readonly modelId: string; readonly dimension: number }
  | { readonly kind: 'failed-to-start'; readonly failure: WorkerFailure }
  | { readonly kind: 'vectors'; readonly id: number; readonly vectors: Float32Array[] }
  | { readonly kind: 'error'; readonly id: number; readonly failure: WorkerFailure };

export interface ToWorker {
  readonly id: number;
  readonly texts: readonly string[];
}

export function toFailure(error: unknown): WorkerFailure {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
}
