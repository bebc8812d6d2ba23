import { benchEmbedded } from './embedded.bench.ts';
import { benchEmbedding, benchMetadataOnlyUpdates } from './embedding.bench.ts';
import { benchJanusGraph } from './janusgraph.bench.ts';
import { benchEmbedderVsPeer } from './peer.bench.ts';
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
const peer = await benchEmbedderVsPeer();
const peerTitle = 'Embedder vs LangChain4j in-process all-MiniLM-L6-v2 (same 256 texts, batches of 32)';
if (typeof peer === 'string') process.stdout.write(`\n${peerTitle}\n  ${peer}\n`);
else printFigures(peerTitle, peer);
await benchServer('pulsar', 'Pulsar event log', (e) => benchPulsar(e['webUrl'] ?? ''));
await benchServer('janusgraph', 'JanusGraph graph store', (e) => benchJanusGraph(e['gremlinUrl'] ?? ''));
await benchServer('opensearch', 'OpenSearch vector store', (e) => benchOpenSearch(e['url'] ?? ''));
