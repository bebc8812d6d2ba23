import { describe, expect, it } from 'vitest';
import { BANKING_GRAPH_SCHEMA, ENTITY_ID_INDEX } from '../../../src/adapters/janusgraph/graph-schema.ts';
import { initGraphSchema } from '../../../src/adapters/janusgraph/init-graph-schema.ts';
import { janusGraphUrl } from './janusgraph-test-graph.ts';

describe('initGraphSchema', () => {
  describe('when run again on a graph that has the schema', () => {
    it('creates nothing, reports every element present and the unique index ENABLED', async () => {
      const url = await janusGraphUrl();
      await initGraphSchema({ url });
      const again = await initGraphSchema({ url });
      expect(again.created).toEqual([]);
      expect(again.index).toBe('ENABLED');
      expect(again.present).toEqual(expect.arrayContaining([
        ...BANKING_GRAPH_SCHEMA.vertexLabels.map((l) => `vertex label ${l}`),
        ...BANKING_GRAPH_SCHEMA.edgeLabels.map((l) => `edge label ${l}`),
        ...BANKING_GRAPH_SCHEMA.propertyKeys.map((k) => `property key ${k.name}`),
        'lock on version',
        `unique index ${ENTITY_ID_INDEX}`,
      ]));
    });
  });
});
