import { createJanusGraphStore } from '../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { createOpenSearchVectorStore } from '../../src/adapters/opensearch/opensearch-vector-store.ts';
import { DEFAULT_INDEX_PREFIX } from '../../src/adapters/opensearch/index-names.ts';
import { gremlinClient } from './gremlin-client.ts';
import { listedGraphStore, listedVectorStore } from './listed-stores.ts';
import type { ExpectedDocument, ExpectedVertex } from './oracle.ts';
import { prefixedGraphStore } from './prefixed-graph-store.ts';
import { graphSnapshot, vectorSnapshot } from './snapshots.ts';

/**
 * The run's state in both stores, in the oracle's shape and without the run's prefix. Reads the
 * ids the oracle expects and every id under the prefix the server holds (found by a raw
 * listing), so a vertex or document that should not exist shows up as a difference too.
 */
export async function graphState(gremlinUrl: string, prefix: string, expectedIds: Iterable<string>): Promise<Map<string, ExpectedVertex>> {
  const store = createJanusGraphStore({ url: gremlinUrl });
  try {
    const ids = [...[...expectedIds].map((id) => prefix + id), ...(await graphIdsUnder(gremlinUrl, prefix))];
    return await graphSnapshot(prefixedGraphStore(listedGraphStore(store, ids), prefix));
  } finally {
    await store.close();
  }
}

export async function vectorState(
  url: string, dimension: number, prefix: string, expectedIds: Readonly<Record<string, Iterable<string>>>,
): Promise<Map<string, ExpectedDocument>> {
  const store = createOpenSearchVectorStore({ node: url, dimension });
  try {
    const ids: Record<string, string[]> = {};
    for (const [index, expected] of Object.entries(expectedIds)) {
      const held = (await documentIdsUnder(url, index, prefix)).map((id) => id.slice(prefix.length));
      ids[index] = [...expected, ...held];
    }
    return await vectorSnapshot(listedVectorStore(store, ids, prefix), Object.keys(expectedIds));
  } finally {
    await store.close();
  }
}

/** A full scan rather than the unique index: a vertex the index lost would still be found. */
async function graphIdsUnder(gremlinUrl: string, prefix: string): Promise<string[]> {
  const { g, TextP, close } = gremlinClient(gremlinUrl);
  try {
    return (await g.V().has('entity_id', TextP.startingWith(prefix)).values('entity_id').toList()).map(String);
  } finally {
    await close();
  }
}

async function documentIdsUnder(url: string, index: string, prefix: string): Promise<string[]> {
  // A search sees only what a refresh has published; the index is the suite's own.
  await fetch(`${url}/${DEFAULT_INDEX_PREFIX}${index}/_refresh`, { method: 'POST' });
  const res = await fetch(`${url}/${DEFAULT_INDEX_PREFIX}${index}/_search`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { prefix: { entity_id: prefix } }, _source: false, size: 10_000 }),
  });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`listing ${index} documents: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { hits: { hits: { _id: string }[] } };
  return body.hits.hits.map((hit) => hit._id);
}
