import { createJanusGraphStore, type JanusGraphStoreConfig } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { initGraphSchema } from '../../../src/adapters/janusgraph/init-graph-schema.ts';
import { SYSTEM_KEYS } from '../../../src/adapters/janusgraph/graph-schema.ts';
import { gremlin, GRAPHSON3_MIME_TYPE, TextP } from '../../../src/adapters/janusgraph/gremlin-driver.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';

/** The shared JanusGraph of the integration run, with the schema in place. */
export async function janusGraphUrl(): Promise<string> {
  const url = serviceEndpoints('janusgraph').gremlinUrl;
  await initGraphSchema({ url });
  return url;
}

/** A prefix no earlier run used, so a long-lived server's old data never meets this run's. */
export const runPrefix = (name: string) => `t-${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-`;

export const janusStore = (url: string, options: Omit<JanusGraphStoreConfig, 'url'> = {}) => createJanusGraphStore({ url, ...options });

/** Direct traversals for assertions and clean-up that the port does not offer. */
export function rawGraph(url: string) {
  const connection = new gremlin.driver.DriverRemoteConnection(url, { mimeType: GRAPHSON3_MIME_TYPE, traversalSource: 'g' });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  return {
    g,
    /**
     * How many vertices carry each entity_id under `prefix`, found by a full scan rather than
     * through the unique index: an index entry overwritten by a racing writer would hide a twin.
     */
    async physicalCounts(prefix: string): Promise<Map<string, number>> {
      const ids = await g.V().has(SYSTEM_KEYS.id, TextP.startingWith(prefix)).values(SYSTEM_KEYS.id).toList();
      const counts = new Map<string, number>();
      for (const id of ids.map(String)) counts.set(id, (counts.get(id) ?? 0) + 1);
      return counts;
    },
    /** Removes everything this run wrote, leaving the server as the run found it. */
    async dropPrefix(prefix: string): Promise<void> {
      await g.V().has(SYSTEM_KEYS.id, TextP.startingWith(prefix)).drop().iterate();
    },
    close: () => connection.close(),
  };
}
