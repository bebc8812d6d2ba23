import type { Embedder } from '../../ports/embedder.port.ts';
import type { MiniLmEmbedderConfig } from './minilm-embedder.ts';
import { createWorkerEmbedder } from './worker-embedder.ts';

/** all-MiniLM-L6-v2 in a worker thread: the same vectors and model id as in process. */
export function createMiniLmWorkerEmbedder(config: MiniLmEmbedderConfig = {}): Promise<Embedder> {
  return createWorkerEmbedder({
    module: new URL('./minilm-embedder.ts', import.meta.url).href,
    factory: 'createMiniLmEmbedder',
    options: config,
  });
}
