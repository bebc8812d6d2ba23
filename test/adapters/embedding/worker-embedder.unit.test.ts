import { describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import { createWorkerEmbedder } from '../../../src/adapters/embedding/worker-embedder.ts';
import { isRefractError } from '../../../src/domain/errors.ts';
import { EXIT, THROW } from './fixtures/flaky-embedder.ts';

const flaky = (options: Record<string, unknown> = {}) => createWorkerEmbedder({
  module: new URL('./fixtures/flaky-embedder.ts', import.meta.url).href,
  factory: 'createFlakyEmbedder',
  options,
});

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

describe('createWorkerEmbedder', () => {
  describe('when the worker embeds', () => {
    it('gives the same vectors as the embedder in process, in order', async () => {
      const texts = ['Anna Novak, paediatrician', 'Northsteel AG, steel', 'x', ''];
      const embedder = await flaky();
      expect(embedder.modelId).toBe('hashing-384-v1');
      expect(embedder.dimension).toBe(384);
      expect(await embedder.embed(texts)).toEqual(await createHashingEmbedder().embed(texts));
    });

    it('answers concurrent calls each with its own vectors', async () => {
      const embedder = await flaky({ dimension: 16 });
      const texts = Array.from({ length: 20 }, (_, i) => `customer ${i}`);
      const answers = await Promise.all(texts.map((text) => embedder.embed([text])));
      const expected = await createHashingEmbedder({ dimension: 16 }).embed(texts);
      expect(answers.map(([vector]) => vector)).toEqual(expected);
    });
  });

  describe('when the embedder throws inside the worker', () => {
    it('fails the call with a retryable EMBEDDER.UNAVAILABLE carrying its message, and keeps serving', async () => {
      const embedder = await flaky();
      const error = await rejection(embedder.embed(['fine', THROW]));
      expect(isRefractError(error) && error.code).toBe('EMBEDDER.UNAVAILABLE');
      expect(isRefractError(error) && error.retryable).toBe(true);
      expect((error as Error).message).toContain('the model ran out of memory');
      expect(await embedder.embed(['fine'])).toHaveLength(1);
    });
  });

  describe('when the worker dies with a call in flight', () => {
    it('fails that call retryably and replaces the worker for the next one', async () => {
      const embedder = await flaky();
      const error = await rejection(embedder.embed([EXIT]));
      expect(isRefractError(error) && error.code).toBe('EMBEDDER.UNAVAILABLE');
      expect(isRefractError(error) && error.retryable).toBe(true);
      expect((error as Error).message).toMatch(/worker died: exit code 7/);
      expect(await embedder.embed(['after the crash'])).toEqual(await createHashingEmbedder().embed(['after the crash']));
      // And again: each replacement is itself replaceable.
      await rejection(embedder.embed([EXIT]));
      expect(await embedder.embed(['twice'])).toHaveLength(1);
    });
  });

  describe('when the embedder cannot be built', () => {
    it('fails creation with the worker\'s message', async () => {
      const error = await rejection(flaky({ failToStart: 'no model here' }));
      expect(isRefractError(error) && error.code).toBe('EMBEDDER.UNAVAILABLE');
      expect((error as Error).message).toContain('no model here');
    });
  });
});
