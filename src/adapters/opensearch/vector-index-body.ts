import type { API } from '@opensearch-project/opensearch';

/** The field that holds the vector; the k-NN query and the mapping must agree on it. */
export const EMBEDDING_FIELD = 'embedding';

/**
 * Settings and mappings of one vector index. Why each choice:
 * - `index.knn: true` is required even for the Lucene engine (the mapping is refused without it);
 *   Lucene because the k-NN build on Maven Central has no native Faiss/NMSLIB libraries.
 * - cosinesimil matches the embedders (L2-normalised) and the in-memory reference store.
 * - top level `dynamic: strict`: only the adapter writes these documents, so an unknown field
 *   is a bug that should fail loudly, per item, instead of growing the mapping.
 * - `fields` (the projection's stored fields) is dynamic, but with fixed rules: strings become
 *   keyword (filters, exact match) with a `text` sub-field (full-text later), numbers double
 *   (so a 3 followed by a 3.5 cannot truncate), and no date/numeric detection from strings,
 *   which would otherwise make the first value's shape decide the type of every later one.
 * - one shard, no replicas: one node here; a cluster deployment raises replicas by setting.
 */
export function vectorIndexBody(dimension: number): API.Indices_Create_RequestBody {
  return {
    settings: {
      index: { knn: true, number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
    },
    mappings: {
      dynamic: 'strict',
      date_detection: false,
      numeric_detection: false,
      dynamic_templates: [
        {
          field_strings: {
            path_match: 'fields.*',
            match_mapping_type: 'string',
            mapping: { type: 'keyword', ignore_above: 1024, fields: { text: { type: 'text' } } },
          },
        },
        { field_integers: { path_match: 'fields.*', match_mapping_type: 'long', mapping: { type: 'double' } } },
        { field_decimals: { path_match: 'fields.*', match_mapping_type: 'double', mapping: { type: 'double' } } },
      ],
      properties: {
        entity_id: { type: 'keyword' },
        entity_type: { type: 'keyword' },
        version: { type: 'long' },
        deleted: { type: 'boolean' },
        deleted_at: { type: 'long' },
        text_hash: { type: 'keyword' },
        model_id: { type: 'keyword' },
        fields: { type: 'object', dynamic: true },
        [EMBEDDING_FIELD]: {
          type: 'knn_vector',
          dimension,
          method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil' },
        },
      },
    },
  };
}
