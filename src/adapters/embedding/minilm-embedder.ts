import { basename, dirname, resolve } from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { RefractError } from '../../domain/errors.ts';
import type { Embedder } from '../../ports/embedder.port.ts';
import { DEFAULT_MODEL_DIR, missingMiniLmFiles } from './minilm-model-files.ts';
import { onnxSessionOptions, type OnnxThreading } from './onnx-session-options.ts';

export interface MiniLmEmbedderConfig extends OnnxThreading {
  /** A directory prepared by `npm run model:prepare`; wins over the hub when given. */
  readonly modelDir?: string;
  /** Load Xenova/all-MiniLM-L6-v2 from the model hub when no `modelDir` is given. */
  readonly allowRemote?: boolean;
  /** The int8 model (onnx/model_quantized.onnx): about 3x smaller, vectors differ slightly. */
  readonly quantized?: boolean;
  /** Texts per inference call; one padded tensor per chunk. */
  readonly batchSize?: number;
}

const DIMENSION = 384;
const HUB_MODEL_ID = 'Xenova/all-MiniLM-L6-v2';

/**
 * all-MiniLM-L6-v2 through @huggingface/transformers: mean-pooled, L2-normalised, 384 dims.
 * Loads from a local directory (remote loading switched off) or, when allowed, from the hub.
 * Note: transformers.js keeps its settings in a process-wide `env`; create embedders one at a time.
 */
export async function createMiniLmEmbedder(config: MiniLmEmbedderConfig = {}): Promise<Embedder> {
  const quantized = config.quantized ?? false;
  const batchSize = config.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RefractError('CONFIG.INVALID', `embedder batchSize must be a positive integer, got ${batchSize}`, { batchSize });
  }
  const extract = await loadPipeline(config, quantized);
  return {
    modelId: quantized ? 'all-MiniLM-L6-v2-q' : 'all-MiniLM-L6-v2',
    dimension: DIMENSION,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const chunk = texts.slice(start, start + batchSize);
        try {
          const output = await extract(chunk, { pooling: 'mean', normalize: true });
          const data = output.data as Float32Array;
          for (let row = 0; row < chunk.length; row += 1) {
            vectors.push(data.slice(row * DIMENSION, (row + 1) * DIMENSION));
          }
        } catch (error) {
          throw new RefractError('EMBEDDER.UNAVAILABLE', `all-MiniLM-L6-v2 inference failed: ${describe(error)}`,
            { texts: chunk.length }, { cause: error });
        }
      }
      return vectors;
    },
  };
}

async function loadPipeline(config: MiniLmEmbedderConfig, quantized: boolean): Promise<FeatureExtractionPipeline> {
  const fromHub = config.modelDir === undefined && config.allowRemote === true;
  const dir = resolve(config.modelDir ?? DEFAULT_MODEL_DIR);
  if (!fromHub) {
    const missing = await missingMiniLmFiles(dir, quantized);
    if (missing.length > 0) {
      throw new RefractError('EMBEDDER.MODEL_MISSING',
        `The embedding model in ${dir} is missing or incomplete (no ${missing.join(', ')}). ` +
        `Run \`npm run model:prepare\` (or set REFRACT_MODEL_DIR to a prepared directory).`,
        { modelDir: dir, missing });
    }
    // transformers.js resolves a local model as <localModelPath>/<model id>/<file>.
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = dirname(dir);
  } else {
    env.allowRemoteModels = true;
  }
  const source = fromHub ? HUB_MODEL_ID : basename(dir);
  try {
    return await pipeline('feature-extraction', source,
      { dtype: quantized ? 'q8' : 'fp32', device: 'cpu', session_options: onnxSessionOptions(config) });
  } catch (error) {
    throw new RefractError(fromHub ? 'EMBEDDER.UNAVAILABLE' : 'EMBEDDER.MODEL_MISSING',
      fromHub
        ? `could not load all-MiniLM-L6-v2 from the hub (${source}): ${describe(error)}`
        : `could not load all-MiniLM-L6-v2 from ${dir}: ${describe(error)}. Prepare it again with \`npm run model:prepare -- --force\`.`,
      { source }, { cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
