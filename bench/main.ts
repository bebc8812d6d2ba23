import { benchEmbedded } from './embedded.bench.ts';
import { benchEmbedding, benchMetadataOnlyUpdates } from './embedding.bench.ts';
import { benchJanusGraph } from './janusgraph.bench.ts';
import { benchOpenSearch } from './opensearch.bench.ts';
import { benchPulsar } from './pulsar.bench.ts';
import { machine, printFigures } from './report.ts';
import { benchServer } from './servers.ts';

/**
 * `npm run bench`: every figure next to a baseline measured in the same run. Server
 * benchmarks run when their server answers (start them with `npm run services:up`).
 */
process.stdout.write(`Refract benchmarks on ${machine()}\n`);
printFigures('Embedded pipeline (memory adapters, hashing embedder)', await benchEmbedded());
printFigures('Embeddings', [...(await benchEmbedding()), ...(await benchMetadataOnlyUpdates())]);
await benchServer('pulsar', 'Pulsar event log', (e) => benchPulsar(e['webUrl'] ?? ''));
await benchServer('janusgraph', 'JanusGraph graph store', (e) => benchJanusGraph(e['gremlinUrl'] ?? ''));
await benchServer('opensearch', 'OpenSearch vector store', (e) => benchOpenSearch(e['url'] ?? ''));
