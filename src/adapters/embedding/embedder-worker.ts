import { parentPort, workerData } from 'node:worker_threads';
import type { Embedder } from '../../ports/embedder.port.ts';
import { toFailure, type EmbedderWorkerData, type FromWorker, type ToWorker } from './worker-protocol.ts';

/**
 * Runs inside the worker thread: builds the embedder named in workerData, then passes each request to the
 * model as it arrives (nothing caps them here). Inference blocks this thread, never the host's event loop.
 */
const port = parentPort;
if (port === null) throw new Error('embedder-worker.ts must run in a worker thread');
const data = workerData as EmbedderWorkerData;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

try {
  const module = (await import(data.module)) as Record<string, unknown>;
  const factory = module[data.factory];
  if (typeof factory !== 'function') throw new Error(`${data.module} exports no function ${data.factory}`);
  const embedder = (await (factory as (options: unknown) => Embedder | Promise<Embedder>)(data.options));
  port.on('message', (request: ToWorker) => {
    embedder.embed(request.texts).then(
      // Transfer, not copy: each vector owns its buffer (the adapters slice them out).
      (vectors) => { post({ kind: 'vectors', id: request.id, vectors }, [...new Set(vectors.map((v) => v.buffer as ArrayBuffer))]); },
      (error: unknown) => { post({ kind: 'error', id: request.id, failure: toFailure(error) }); },
    );
  });
  post({ kind: 'ready', modelId: embedder.modelId, dimension: embedder.dimension });
} catch (error) {
  post({ kind: 'failed-to-start', failure: toFailure(error) });
}
