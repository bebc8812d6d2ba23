import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RefractError, type ErrorCode } from '../../domain/errors.ts';
import type { Embedder } from '../../ports/embedder.port.ts';
import type { EmbedderWorkerData, FromWorker, ToWorker, WorkerFailure } from './worker-protocol.ts';

const WORKER_ENTRY = new URL('./embedder-worker.ts', import.meta.url);

interface Pending {
  readonly resolve: (vectors: Float32Array[]) => void;
  readonly reject: (error: Error) => void;
  readonly texts: number;
}

interface Running {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  dead: boolean;
}

/**
 * Runs an embedder in a worker thread behind the unchanged Embedder port, so inference does
 * not stall the event loop that the other leg's I/O runs on. Errors in the worker come back
 * as EMBEDDER.UNAVAILABLE (retryable) with its message; when the worker dies, the calls in
 * flight fail the same way and the next call starts a fresh worker.
 */
export async function createWorkerEmbedder(data: EmbedderWorkerData): Promise<Embedder> {
  let nextId = 0;
  const first = await start();
  let running: Promise<Running> | undefined = Promise.resolve(first.state);

  return {
    modelId: first.modelId,
    dimension: first.dimension,
    async embed(texts) {
      if (texts.length === 0) return [];
      const state = await current(texts.length);
      const id = (nextId += 1);
      return new Promise<Float32Array[]>((resolve, reject) => {
        state.pending.set(id, { resolve, reject, texts: texts.length });
        state.worker.ref(); // a call in flight keeps the process alive; an idle worker does not
        state.worker.postMessage({ id, texts } satisfies ToWorker);
      });
    },
  };

  /** The live worker, starting a fresh one when the last has died. */
  async function current(texts: number): Promise<Running> {
    for (;;) {
      const attempt = (running ??= start().then(({ state }) => state));
      let state: Running;
      try {
        state = await attempt;
      } catch (error) {
        if (running === attempt) running = undefined; // the next call tries again
        throw unavailable(`could not restart the embedding worker: ${(error as Error).message}`, texts, error);
      }
      if (!state.dead) return state;
      if (running === attempt) running = undefined;
    }
  }

  async function start(): Promise<{ state: Running; modelId: string; dimension: number }> {
    const worker = spawnWorker(data);
    const state: Running = { worker, pending: new Map(), dead: false };
    const ready = await new Promise<{ modelId: string; dimension: number }>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        worker.off('error', onEarlyExit).off('exit', onEarlyExit).off('message', onMessage);
        if (message.kind === 'ready') resolve({ modelId: message.modelId, dimension: message.dimension });
        else if (message.kind === 'failed-to-start') { void worker.terminate(); reject(startFailure(message.failure)); }
      };
      const onEarlyExit = (reason: unknown): void => {
        worker.off('message', onMessage);
        reject(unavailable(`the embedding worker exited while starting: ${describeExit(reason)}`, 0, reason));
      };
      worker.on('message', onMessage).once('error', onEarlyExit).once('exit', onEarlyExit);
    });
    worker.on('message', (message: FromWorker) => settle(state, message));
    const onDeath = (reason: unknown): void => {
      if (state.dead) return;
      state.dead = true;
      for (const [id, call] of state.pending) {
        call.reject(unavailable(`the embedding worker died: ${describeExit(reason)}`, call.texts, reason, id));
      }
      state.pending.clear();
    };
    worker.once('error', onDeath).once('exit', onDeath);
    worker.unref();
    return { state, ...ready };
  }

  function settle(state: Running, message: FromWorker): void {
    if (message.kind !== 'vectors' && message.kind !== 'error') return;
    const call = state.pending.get(message.id);
    if (call === undefined) return;
    state.pending.delete(message.id);
    if (state.pending.size === 0) state.worker.unref();
    if (message.kind === 'vectors') call.resolve(message.vectors);
    else call.reject(unavailable(`embedding failed in the worker: ${message.failure.message}`, call.texts, message.failure));
  }
}

/** A start-up failure keeps its code (a missing model stays permanent); anything else is retryable. */
function startFailure(failure: WorkerFailure): RefractError {
  const code = failure.code === 'EMBEDDER.MODEL_MISSING' || failure.code === 'CONFIG.INVALID' ? failure.code as ErrorCode : 'EMBEDDER.UNAVAILABLE';
  return new RefractError(code, failure.message, { inWorker: true });
}

function unavailable(message: string, texts: number, cause: unknown, call?: number): RefractError {
  return new RefractError('EMBEDDER.UNAVAILABLE', message, { texts, inWorker: true, ...(call === undefined ? {} : { call }) }, { cause });
}

function describeExit(reason: unknown): string {
  if (typeof reason === 'number') return `exit code ${reason}`;
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * The worker runs TypeScript source, as the host does. Neither tsx's loader (registered in
 * the main thread) nor vitest's transform reaches a worker thread, so a bootstrap registers
 * tsx in the worker before loading the entry.
 */
function spawnWorker(workerData: EmbedderWorkerData): Worker {
  if (!WORKER_ENTRY.pathname.endsWith('.ts')) return new Worker(WORKER_ENTRY, { workerData });
  // The ES build of tsx's API: its CommonJS build cannot register hooks from a worker's eval.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
