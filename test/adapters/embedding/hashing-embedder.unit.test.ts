import { describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../../src/adapters/embedding/hashing-embedder.ts';
import { dot } from '../../support/semantic-quality.ts';

const norm = (vector: Float32Array): number => Math.sqrt(dot(vector, vector));

describe('createHashingEmbedder', () => {
  describe('when created with defaults', () => {
    const embedder = createHashingEmbedder();

    it('labels itself and gives 384 dimensions', async () => {
      expect(embedder.modelId).toBe('hashing-384-v1');
      expect(embedder.dimension).toBe(384);
      const [vector] = await embedder.embed(['Anna Novak, paediatrician']);
      expect(vector).toHaveLength(384);
    });

    it('returns one L2-normalised vector per text, in order', async () => {
      const texts = ['Anna Novak, paediatrician', 'Northsteel AG, steel', 'x'];
      const vectors = await embedder.embed(texts);
      expect(vectors).toHaveLength(3);
      for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
      expect(vectors[1]).toEqual((await embedder.embed([texts[1] ?? '']))[0]);
    });

    it('is deterministic across calls and instances', async () => {
      const text = 'Farah Haddad, software engineer at Acme Bank';
      const [first] = await embedder.embed([text]);
      const [second] = await createHashingEmbedder().embed([text]);
      expect(second).toEqual(first);
    });

    it('ignores case and punctuation', async () => {
      const [a, b] = await embedder.embed(['Steel Manufacturing, Company!', 'steel manufacturing company']);
      expect(a).toEqual(b);
    });

    it('gives different texts different vectors, closer when they share words', async () => {
      const [base, sharing, unrelated] = await embedder.embed([
        'dairy farmer with cows', 'dairy farmer with goats', 'offshore wind operator',
      ]);
      if (base === undefined || sharing === undefined || unrelated === undefined) throw new Error('missing vectors');
      expect(base).not.toEqual(sharing);
      expect(dot(base, sharing)).toBeGreaterThan(dot(base, unrelated));
    });

    it('returns an empty list for no texts', async () => {
      expect(await embedder.embed([])).toEqual([]);
    });
  });

  describe('when a text has no word tokens', () => {
    it('returns the same fixed unit vector, never a zero vector', async () => {
      const vectors = await createHashingEmbedder().embed(['', '   ', '!!! --- ...']);
      for (const vector of vectors) {
        expect(norm(vector)).toBeCloseTo(1, 6);
        expect(vector).toEqual(vectors[0]);
      }
    });
  });

  describe('when the text is not ASCII', () => {
    it('treats letters of any script as word characters', async () => {
      const [umlaut, other, han] = await createHashingEmbedder().embed(['Müller Straße', 'Muller Strasse', '東京']);
      if (umlaut === undefined || other === undefined || han === undefined) throw new Error('missing vectors');
      expect(umlaut).not.toEqual(other);
      expect(norm(han)).toBeCloseTo(1, 5);
    });
  });

  describe('when given another dimension', () => {
    it('uses it and says so in the model id', async () => {
      const embedder = createHashingEmbedder({ dimension: 16 });
      expect(embedder.modelId).toBe('hashing-16-v1');
      const [vector] = await embedder.embed(['a b c d e f g h i j k l m n o p q r s']);
      expect(vector).toHaveLength(16);
      expect(norm(vector ?? new Float32Array())).toBeCloseTo(1, 5);
    });

    it('rejects a dimension that is not a positive integer', () => {
      expect(() => createHashingEmbedder({ dimension: 0 })).toThrow(/positive integer/);
      expect(() => createHashingEmbedder({ dimension: 2.5 })).toThrow(/positive integer/);
    });
  });
});
