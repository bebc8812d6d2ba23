import { Client } from '@opensearch-project/opensearch';
import { createHashingEmbedder } from '../src/adapters/embedding/hashing-embedder.ts';
import { createOpenSearchVectorStore } from '../src/adapters/opensearch/opensearch-vector-store.ts';
import type { VectorWrite } from '../src/domain/index.ts';
import type { VectorStore } from '../src/ports/index.ts';
import type { Figure } from './report.ts';


const BATCH = 100;
const BULK_DOCS = 5_000;
/** Per-document indexing stops at this many documents or after this long, whichever is first. */
const SINGLE_DOCS = 1_000;
const SINGLE_BUDGET_MS = 10_000;

const OCCUPATIONS = ['nurse', 'pilot', 'tax accountant', 'art dealer', 'welder', 'teacher', 'surgeon', 'baker'];
const CITIES = ['Lyon', 'Berlin', 'Milan', 'Porto', 'Gdansk', 'Ghent', 'Bergen', 'Split'];

/**
 * Indexing throughput of the OpenSearch vector store on a real server: the same adapter, the
 * same refresh policy and the same 384-float hashing-embedder vectors, written one document
 * per `write` call (one HTTP round trip each) and 100 per call (one `_bulk`). Vectors are
 * computed before the clock starts: this measures the store, not the embedder. The bulk
 * figure carries the per-document one as its baseline and the speed-up as its ratio (the
 * target is ≥ 5). Both runs end with a count, so a figure can never come from dropped writes.
 */
export async function benchOpenSearch(url: string): Promise<Figure[]> {
  const prefix = `refract-bench-${process.pid}-${Date.now()}-`;
  const store = createOpenSearchVectorStore({ node: url, prefix });
  const admin = new Client({ node: url });
  try {
    const embedder = createHashingEmbedder();
    const writes = async (index: string, n: number): Promise<VectorWrite[]> => {
      const texts = Array.from({ length: n }, (_, i) => `${OCCUPATIONS[i % 8] ?? ''} in ${CITIES[(i >> 3) % 8] ?? ''}, number ${i}`);
      const vectors = await embedder.embed(texts);
      return vectors.map((embedding, i) => ({
        kind: 'index', index, id: `doc-${String(i).padStart(6, '0')}`, version: 1,
        fields: { entity_type: 'person', city: CITIES[(i >> 3) % 8] ?? '' }, textHash: `h${i}`, modelId: embedder.modelId, embedding,
      }));
    };
    // Bootstrap both indices (and warm the connection) outside the measured runs.
    for (const index of ['single', 'bulk']) {
      await store.write((await writes(index, 1)).map((w) => ({ ...w, id: 'warmup' })));
    }

    const single = await writes('single', SINGLE_DOCS);
    let written = 0;
    const singleStart = performance.now();
    for (const w of single) {
      await store.write([w]);
      written += 1;
      if (performance.now() - singleStart > SINGLE_BUDGET_MS) break;
    }
    const perDocument = written / ((performance.now() - singleStart) / 1000);
    await expectCount(store, 'single', written + 1);

    const bulk = await writes('bulk', BULK_DOCS);
    const bulkStart = performance.now();
    for (let i = 0; i < bulk.length; i += BATCH) await store.write(bulk.slice(i, i + BATCH));
    const bulkRate = bulk.length / ((performance.now() - bulkStart) / 1000);
    await expectCount(store, 'bulk', BULK_DOCS + 1);

    return [
      { name: 'opensearch index, one document per request', value: round(perDocument), unit: 'docs/s' },
      { name: `opensearch index, _bulk of ${BATCH}`, value: round(bulkRate), unit: 'docs/s',
        baseline: round(perDocument), baselineName: 'one document per request', target: '≥ 5×' },
    ];
  } finally {
    await store.close();
    await admin.indices.delete({ index: `${prefix}*` }, { ignore: [404] });
    await admin.close();
  }
}

async function expectCount(store: VectorStore, index: string, expected: number): Promise<void> {
  const found = await store.count(index);
  if (found !== expected) throw new Error(`bench: ${index} holds ${found} documents, expected ${expected}`);
}

const round = (x: number) => Math.round(x * 10) / 10;
