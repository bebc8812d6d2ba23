import { afterAll } from 'vitest';
import { convergenceContract } from '../../contract/convergence.contract.ts';
import { openSearchTestStores } from './opensearch-test-stores.ts';

/**
 * The shared convergence properties with the real OpenSearch store as the vector leg's store:
 * the version guard under test is OpenSearch's external versioning. Each run on indices of its own.
 */
const stores = openSearchTestStores('conv');
afterAll(() => stores.close());

convergenceContract({
  name: 'OpenSearch vector store',
  numRuns: 30,
  fresh: () => Promise.resolve({ vectors: stores.open(stores.freshPrefix()), cleanUp: () => stores.cleanUp() }),
});
