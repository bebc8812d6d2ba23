import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEndpoints } from '../../support/endpoints.ts';

/**
 * Smoke test of the real OpenSearch the launcher runs: the k-NN plugin's Lucene engine
 * indexes 384-dimension vectors (all-MiniLM-L6-v2's size) and finds the nearest one.
 */
const DIMENSION = 384;
const index = `refract-smoke-${process.pid}`;

/** A deterministic, well-spread vector per seed: no two seeds point the same way. */
function vector(seed: number): number[] {
  return Array.from({ length: DIMENSION }, (_, i) => Math.sin(seed * (i + 1) + seed));
}

/** `base` nudged slightly, so its nearest stored neighbour is `base` itself. */
function near(base: readonly number[]): number[] {
  return base.map((x, i) => x + 0.05 * Math.cos(i));
}

const documents = [
  { id: 'person-1', kind: 'person', seed: 1 },
  { id: 'person-2', kind: 'person', seed: 2 },
  { id: 'company-3', kind: 'company', seed: 3 },
  { id: 'company-4', kind: 'company', seed: 4 },
];

describe('OpenSearch k-NN (real server)', () => {
  const client = new Client({ node: serviceEndpoints('opensearch').url });

  beforeAll(async () => {
    await client.indices.create({
      index,
      body: {
        settings: { index: { knn: true, number_of_shards: 1, number_of_replicas: 0 } },
        mappings: {
          properties: {
            kind: { type: 'keyword' },
            embedding: {
              type: 'knn_vector',
              dimension: DIMENSION,
              method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil' },
            },
          },
        },
      },
    });
    const operations = documents.flatMap((doc) => [
      { index: { _index: index, _id: doc.id } },
      { kind: doc.kind, embedding: vector(doc.seed) },
    ]);
    const response = await client.bulk({ body: operations, refresh: true });
    expect(response.body.errors).toBe(false);
  });

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  describe('when a k-NN query is close to one stored vector', () => {
    it('returns that document first', async () => {
      const target = documents[2];
      if (!target) throw new Error('fixture missing');
      const response = await client.search({
        index,
        body: { size: 3, query: { knn: { embedding: { vector: near(vector(target.seed)), k: 3 } } } },
      });
      const ids = response.body.hits.hits.map((hit) => hit._id);
      expect(ids[0]).toBe(target.id);
      expect(ids).toHaveLength(3);
    });
  });

  describe('when the k-NN query carries a filter', () => {
    it('returns only documents that match the filter', async () => {
      const response = await client.search({
        index,
        body: {
          size: 3,
          query: {
            knn: { embedding: { vector: near(vector(3)), k: 3, filter: { term: { kind: 'person' } } } },
          },
        },
      });
      const ids = response.body.hits.hits.map((hit) => hit._id);
      expect(ids.sort()).toEqual(['person-1', 'person-2']);
    });
  });

  describe('when _bulk index operations carry external versions', () => {
    it('applies a newer version and answers 409 for an equal or older one', async () => {
      const write = (version: number, kind: string) => [
        { index: { _index: index, _id: 'versioned', version, version_type: 'external' as const } },
        { kind, embedding: vector(5) },
      ];
      const response = await client.bulk({ body: [...write(2, 'v2'), ...write(1, 'v1'), ...write(2, 'again'), ...write(3, 'v3')], refresh: true });
      const statuses = response.body.items.map((item) => item.index?.status);
      expect(statuses).toEqual([201, 409, 409, 200]);
      const stored = await client.get({ index, id: 'versioned' });
      expect(stored.body._version).toBe(3);
      expect(stored.body._source).toMatchObject({ kind: 'v3' });
    });
  });
});
