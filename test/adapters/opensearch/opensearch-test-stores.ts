import { Client } from '@opensearch-project/opensearch';
import { createOpenSearchVectorStore, type OpenSearchVectorStoreConfig } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import type { VectorStore } from '../../../src/ports/index.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';

let counter = 0;

/**
 * OpenSearch vector stores for tests on the shared server: each gets a prefix of its own (so
 * indices never meet), and `cleanUp` closes them and deletes their indices.
 */
export function openSearchTestStores(tag: string) {
  const url = serviceEndpoints('opensearch').url;
  const admin = new Client({ node: url });
  const prefixes: string[] = [];
  const stores: VectorStore[] = [];
  return {
    url,
    admin,
    freshPrefix(): string {
      counter += 1;
      const prefix = `refract-${tag}-${process.pid}-${counter}-`;
      prefixes.push(prefix);
      return prefix;
    },
    open(prefix: string, config: Partial<OpenSearchVectorStoreConfig> = {}): VectorStore {
      const store = createOpenSearchVectorStore({ node: url, prefix, ...config });
      stores.push(store);
      return store;
    },
    async cleanUp(): Promise<void> {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      for (const prefix of prefixes.splice(0)) {
        await admin.indices.delete({ index: `${prefix}*`, expand_wildcards: 'all' }, { ignore: [404] });
      }
    },
    close: () => admin.close(),
  };
}
