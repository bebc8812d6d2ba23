import { describe, expect, it } from 'vitest';
import { BANKING_GRAPH_SCHEMA, BUCKET_DELETED_INDEX, BUCKET_INDEX, ENTITY_ID_INDEX } from '../../../src/adapters/janusgraph/graph-schema.ts';
import { initGraphSchema } from '../../../src/adapters/janusgraph/init-graph-schema.ts';
import { janusGraphUrl } from './janusgraph-test-graph.ts';

describe('initGraphSchema', () => {
  describe('when run again on a graph that has the schema', () => {
    it('creates nothing, reports every element present and every index ENABLED', async () => {
      const url = await janusGraphUrl();
      await initGraphSchema({ url });
      const again = await initGraphSchema({ url });
      expect(again.created).toEqual([]);
      expect(again.index).toBe('ENABLED');
      expect(again.indices).toEqual({ [ENTITY_ID_INDEX]: 'ENABLED', [BUCKET_INDEX]: 'ENABLED', [BUCKET_DELETED_INDEX]: 'ENABLED' });
      expect(again.present).toEqual(expect.arrayContaining([
        ...BANKING_GRAPH_SCHEMA.vertexLabels.map((l) => `vertex label ${l}`),
        ...BANKING_GRAPH_SCHEMA.edgeLabels.map((l) => `edge label ${l}`),
        ...BANKING_GRAPH_SCHEMA.propertyKeys.map((k) => `property key ${k.name}`),
        'lock on version',
        `unique index ${ENTITY_ID_INDEX}`,
        `index ${BUCKET_INDEX}`,
        `index ${BUCKET_DELETED_INDEX}`,
      ]));
    });
  });
});
