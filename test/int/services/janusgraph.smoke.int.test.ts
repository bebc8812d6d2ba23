import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { GRAPHSON3 } from '../../../scripts/services/janusgraph.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';

/**
 * Proves the JanusGraph the tests get is a real Gremlin server: a bytecode round trip through the
 * `gremlin` driver with GraphSON 3, and a script with bindings (the only way to its management API).
 * Uses its own label and keys (smoke_*): with automatic schema a first write fixes a key's type, and
 * `entity_id` must be created by the adapter's schema bootstrap, not by a test.
 */
describe('JanusGraph (real server)', () => {
  const { gremlinUrl } = serviceEndpoints('janusgraph');
  const gremlin = createRequire(import.meta.url)('gremlin') as Gremlin;
  const connection = new gremlin.driver.DriverRemoteConnection(gremlinUrl, { mimeType: GRAPHSON3 });
  const client = new gremlin.driver.Client(gremlinUrl, { mimeType: GRAPHSON3, traversalSource: 'g' });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  const smokeId = `smoke-${randomUUID()}`;

  afterAll(async () => {
    await g.V().has('smoke_thing', 'smoke_id', smokeId).drop().iterate().catch(() => undefined);
    await connection.close();
    await client.close();
  });

  describe('when a vertex with properties is added through a bytecode traversal', () => {
    it('reads it back by property with its label and values', async () => {
      await g.addV('smoke_thing').property('smoke_id', smokeId).property('smoke_name', 'Ada')
        .property('smoke_city', 'London').iterate();

      const found = await g.V().has('smoke_thing', 'smoke_id', smokeId)
        .valueMap('smoke_id', 'smoke_name', 'smoke_city').toList();
      expect(found.map((m) => Object.fromEntries(m as Map<string, unknown>))).toEqual([
        { smoke_id: [smokeId], smoke_name: ['Ada'], smoke_city: ['London'] },
      ]);
      expect(await g.V().has('smoke_id', smokeId).label().toList()).toEqual(['smoke_thing']);
    });
  });

  describe('when that vertex is dropped', () => {
    it('no longer finds it', async () => {
      await g.V().has('smoke_thing', 'smoke_id', smokeId).drop().iterate();

      expect((await g.V().has('smoke_thing', 'smoke_id', smokeId).count().next()).value).toBe(0);
    });
  });

  describe('when a script with bindings is submitted', () => {
    it('evaluates it with the bound values and the graph in scope', async () => {
      const result = await client.submit('[marker, JanusGraph.version(), graph.features() != null]', { marker: smokeId });

      expect(result.toArray()).toEqual([smokeId, '1.1.0', true]);
    });
  });
});

/** The slice of the untyped `gremlin` package this test uses (no @types/gremlin installed). */
interface Gremlin {
  readonly driver: {
    readonly DriverRemoteConnection: new (url: string, options: { mimeType: string }) => RemoteConnection;
    readonly Client: new (url: string, options: { mimeType: string; traversalSource: string }) => {
      submit(script: string, bindings?: Record<string, unknown>): Promise<{ toArray(): unknown[] }>;
      close(): Promise<void>;
    };
  };
  readonly process: {
    readonly AnonymousTraversalSource: {
      traversal(): { withRemote(connection: RemoteConnection): TraversalSource };
    };
  };
}

interface RemoteConnection {
  close(): Promise<void>;
}

interface TraversalSource {
  addV(label: string): Traversal;
  V(): Traversal;
}

interface Traversal {
  has(...args: string[]): Traversal;
  property(key: string, value: unknown): Traversal;
  valueMap(...keys: string[]): Traversal;
  label(): Traversal;
  count(): Traversal;
  drop(): Traversal;
  toList(): Promise<unknown[]>;
  next(): Promise<{ value: unknown; done: boolean }>;
  iterate(): Promise<void>;
}
