import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where `npm run model:prepare` puts all-MiniLM-L6-v2 unless told otherwise (gitignored). */
export const DEFAULT_MODEL_DIR = '.models/all-MiniLM-L6-v2';

/**
 * The files @huggingface/transformers reads for a local BERT feature-extraction model. Both
 * ONNX variants may sit side by side in one directory, as they do on the hub.
 */
export function miniLmModelFiles(quantized: boolean): readonly string[] {
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
  ];
}

/** The required files that are absent or empty under `dir`; empty when the model is complete. */
export async function missingMiniLmFiles(dir: string, quantized: boolean): Promise<string[]> {
  const missing: string[] = [];
  for (const file of miniLmModelFiles(quantized)) {
    const info = await stat(join(dir, file)).catch(() => undefined);
    if (info === undefined || !info.isFile() || info.size === 0) missing.push(file);
  }
  return missing;
}
