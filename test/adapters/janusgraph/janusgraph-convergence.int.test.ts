import { afterAll, beforeAll } from 'vitest';
import type { GraphStore } from '../../../src/ports/index.ts';
import { convergenceContract } from '../../contract/convergence.contract.ts';
import { prefixedGraphStore } from '../../support/prefixed-graph-store.ts';
import { janusGraphUrl, janusStore, rawGraph, runPrefix } from './janusgraph-test-graph.ts';

/** The shared convergence properties with JanusGraph as the graph: fewer runs (real I/O), each on ids of its own. */
const prefix = runPrefix('convergence');
let url = '';
let shared: GraphStore | undefined;
let runs = 0;

beforeAll(async () => {
  url = await janusGraphUrl();
  shared = janusStore(url);
});

afterAll(async () => {
  const raw = rawGraph(url);
  await raw.dropPrefix(prefix).finally(() => raw.close());
  await shared?.close();
});

convergenceContract({
  name: 'JanusGraph graph store',
  numRuns: 15,
  fresh: () => Promise.resolve({ graph: prefixedGraphStore(shared!, `${prefix}${++runs}-`) }),
});
