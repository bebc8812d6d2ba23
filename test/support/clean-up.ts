import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_INDEX_PREFIX } from '../../src/adapters/opensearch/index-names.ts';
import { dropNamespace } from '../../src/adapters/pulsar/drop-namespace.ts';
import { createPulsarAdmin } from '../../src/adapters/pulsar/pulsar-admin.ts';
import { gremlinClient } from './gremlin-client.ts';
import type { RunNamespace } from './subscription-stats.ts';

/** Removes what a test run wrote: its Pulsar namespace, its vertices and its documents (all under its own names). */
export async function cleanUpRun(run: {
  where: RunNamespace; gremlinUrl: string; opensearchUrl: string; prefix: string; indices?: readonly string[];
}): Promise<void> {
  const { where, prefix } = run;
  await dropNamespace(createPulsarAdmin(where.webUrl), where.tenant, where.namespace);
  await dropVerticesUnder(run.gremlinUrl, prefix);
  for (const index of run.indices ?? ['person', 'company']) await deleteDocumentsUnder(run.opensearchUrl, `${DEFAULT_INDEX_PREFIX}${index}`, prefix);
}

/** One large drop may time out on a BerkeleyJE lock while other clients write to the server: it is tried again. */
async function dropVerticesUnder(gremlinUrl: string, prefix: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { g, TextP, close } = gremlinClient(gremlinUrl);
    try {
      await g.V().has('entity_id', TextP.startingWith(prefix)).drop().iterate();
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    } finally {
      await close();
    }
    await sleep(2_000);
  }
}

/** The embedded node has no reindex module, so no `_delete_by_query`: find the ids, then one `_bulk` of deletes. */
async function deleteDocumentsUnder(url: string, index: string, prefix: string): Promise<void> {
  await fetch(`${url}/${index}/_refresh`, { method: 'POST' });
  const found = await fetch(`${url}/${index}/_search`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { prefix: { entity_id: prefix } }, _source: false, size: 10_000 }),
  });
  if (found.status === 404) return;
  if (!found.ok) throw new Error(`listing the run's documents in ${index}: HTTP ${found.status} ${await found.text()}`);
  const ids = ((await found.json()) as { hits: { hits: { _id: string }[] } }).hits.hits.map((h) => h._id);
  if (ids.length === 0) return;
  const body = ids.map((id) => `${JSON.stringify({ delete: { _index: index, _id: id } })}\n`).join('');
  const res = await fetch(`${url}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  if (!res.ok) throw new Error(`removing the run's documents from ${index}: HTTP ${res.status} ${await res.text()}`);
}
