import { afterAll } from 'vitest';
import { convergenceContract } from '../../contract/convergence.contract.ts';
import { openSearchTestStores } from './opensearch-test-stores.ts';

/**
 * The shared convergence properties with the real OpenSearch store as the vector leg's store.
 * The vector sink drops commands its version look-up finds stale before they reach the store,
 * so this tests the leg as a whole; OpenSearch's own guard (external versioning) is tested
 * directly, with stale writes handed to the store, by the VectorStore contract. Each run on
 * indices of its own.
 */
const stores = openSearchTestStores('conv');
afterAll(() => stores.close());

convergenceContract({
  name: 'OpenSearch vector store',
  numRuns: 30,
  fresh: () => Promise.resolve({ vectors: stores.open(stores.freshPrefix()), cleanUp: () => stores.cleanUp() }),
});
