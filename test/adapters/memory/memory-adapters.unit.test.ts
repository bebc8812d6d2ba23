import { createMemoryEventLog } from '../../../src/adapters/memory/memory-event-log.ts';
import { createMemoryGraphStore } from '../../../src/adapters/memory/memory-graph-store.ts';
import { createMemoryVectorStore } from '../../../src/adapters/memory/memory-vector-store.ts';
import { eventLogContract } from '../../contract/event-log.contract.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';
import { vectorStoreContract } from '../../contract/vector-store.contract.ts';

eventLogContract('memory', () => Promise.resolve({ log: createMemoryEventLog(), topic: 'contract' }));
graphStoreContract('memory', () => Promise.resolve(createMemoryGraphStore()));
vectorStoreContract('memory', () => Promise.resolve({ store: createMemoryVectorStore(), index: 'person' }));
