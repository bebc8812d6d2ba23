import type { GraphStore, Embedder, Metrics, VectorStore } from '../ports/index.ts';
import type { App } from '../projections/app.ts';
import { createGraphSink } from './graph-sink.ts';
import type { Leg } from './leg.ts';
import { timedEmbedder } from './timed-embedder.ts';
import { createVectorSink } from './vector-sink.ts';

/** The graph leg: the graph side of every projection of the app, written to one GraphStore. */
export const graphLeg = (store: GraphStore, app: App): Leg<'graph'> => ({
  name: 'graph',
  projections: app.legProjections('graph'),
  sink: createGraphSink(store),
});

/**
 * The vector leg: the vector side of every projection of the app, embedded and written to one VectorStore; with `metrics`, each model
 * call is timed.
 */
export const vectorLeg = (store: VectorStore, embedder: Embedder, app: App, metrics?: Metrics): Leg<'vector'> => ({
  name: 'vector',
  projections: app.legProjections('vector'),
  sink: createVectorSink(store, metrics ? timedEmbedder(embedder, metrics, 'vector') : embedder),
});
