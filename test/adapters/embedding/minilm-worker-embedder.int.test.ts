import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareModel } from '../../../scripts/prepare-model.ts';
import { createMiniLmWorkerEmbedder } from '../../../src/adapters/embedding/minilm-worker-embedder.ts';
import type { Embedder } from '../../../src/ports/embedder.port.ts';
import { dot, measureSemanticQuality } from '../../support/semantic-quality.ts';

const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../.models/all-MiniLM-L6-v2');
const IN_PROCESS = fileURLToPath(new URL('./fixtures/embed-in-process.ts', import.meta.url));
const TEXTS = ['Anna Novak, paediatrician at the city children\'s hospital', 'offshore wind operator', 'x'];

/** The in-process vectors, from a child process (this file's main thread never loads onnxruntime). */
async function inProcessVectors(quantized: boolean): Promise<number[][]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', IN_PROCESS, MODEL_DIR, String(quantized), JSON.stringify(TEXTS)], { maxBuffer: 16 * 2 ** 20 });
  return JSON.parse(stdout) as number[][];
}

describe('createMiniLmWorkerEmbedder', () => {
  beforeAll(async () => {
    await prepareModel({ dir: MODEL_DIR });
    await prepareModel({ dir: MODEL_DIR, quantized: true });
  }, 300_000);

  for (const quantized of [false, true]) {
    describe(`when running the ${quantized ? 'int8' : 'fp32'} model in a worker thread`, () => {
      let embedder: Embedder;
      beforeAll(async () => {
        embedder = await createMiniLmWorkerEmbedder({ modelDir: MODEL_DIR, quantized });
      });

      it('names the model as in process', () => {
        expect(embedder.modelId).toBe(quantized ? 'all-MiniLM-L6-v2-q' : 'all-MiniLM-L6-v2');
        expect(embedder.dimension).toBe(384);
      });

      it('gives the same vectors as in process for the same texts', async () => {
        const fromWorker = (await embedder.embed(TEXTS)).map((v) => Array.from(v));
        expect(fromWorker).toEqual(await inProcessVectors(quantized));
      });

      it('passes the semantic-quality bar', async () => {
        const result = await measureSemanticQuality(embedder);
        expect(result.hitRate, JSON.stringify(result.misses)).toBeGreaterThanOrEqual(7 / 8);
        const [query, paraphrase, unrelated] = await embedder.embed(['a physician who treats children', 'paediatric doctor', 'steel manufacturing company']);
        expect(dot(query ?? new Float32Array(), paraphrase ?? new Float32Array()))
          .toBeGreaterThan(dot(query ?? new Float32Array(), unrelated ?? new Float32Array()) + 0.3);
      });
    });
  }
});
