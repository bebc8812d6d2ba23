import type { GraphStore, Embedder, Metrics, VectorStore } from '../ports/index.ts';
import { projectionsFor } from '../projections/registry.ts';
import { createGraphSink } from './graph-sink.ts';
import type { Leg } from './leg.ts';
import { timedEmbedder } from './timed-embedder.ts';
import { createVectorSink } from './vector-sink.ts';

/** The graph leg: every registered graph projection, written to one GraphStore. */
export const graphLeg = (store: GraphStore): Leg<'graph'> => ({
  name: 'graph',
  projections: projectionsFor('graph'),
  sink: createGraphSink(store),
});

/** The vector leg: every registered vector projection, embedded and written to one VectorStore; with `metrics`, each model call is timed. */
export const vectorLeg = (store: VectorStore, embedder: Embedder, metrics?: Metrics): Leg<'vector'> => ({
  name: 'vector',
  projections: projectionsFor('vector'),
  sink: createVectorSink(store, metrics ? timedEmbedder(embedder, metrics, 'vector') : embedder),
});
