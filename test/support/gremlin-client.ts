import { createRequire } from 'node:module';

/**
 * A bytecode connection to a Gremlin server for test support code (fingerprints, probes),
 * with the typed slice of the untyped `gremlin` package it uses. Kept apart from the adapter's
 * own driver module, so the global setup never depends on the code under test.
 */
export interface Traversal {
  V(...ids: unknown[]): Traversal;
  addV(label: string): Traversal;
  by(modulator: unknown): Traversal;
  count(): Traversal;
  drop(): Traversal;
  has(key: string, value: unknown): Traversal;
  label(): Traversal;
  limit(max: number): Traversal;
  project(...keys: string[]): Traversal;
  property(key: string, value: unknown): Traversal;
  select(key: string): Traversal;
  valueMap(): Traversal;
  values(key: string): Traversal;
  toList(): Promise<unknown[]>;
  iterate(): Promise<void>;
}

interface Source {
  V(...ids: unknown[]): Traversal;
  E(): Traversal;
  addV(label: string): Traversal;
}

interface GremlinModule {
  readonly driver: {
    readonly DriverRemoteConnection: new (
      url: string, options: { mimeType: string; traversalSource: string } & Readonly<Record<string, unknown>>,
    ) => { close(): Promise<void> };
  };
  readonly process: {
    readonly AnonymousTraversalSource: { traversal(): { withRemote(connection: unknown): Source } };
    readonly statics: Pick<Traversal, 'label' | 'valueMap'>;
    readonly t: { readonly id: unknown };
    readonly TextP: { startingWith(prefix: string): unknown };
  };
}

const gremlin = createRequire(import.meta.url)('gremlin') as GremlinModule;

/** GraphSON 3: the JS driver's GraphBinary reader fails on JanusGraph's own types (edge ids). */
const GRAPHSON3 = 'application/vnd.gremlin-v3.0+json';

/** `options`: more connection options, e.g. a secured server's (connectionAuth in src/adapters/janusgraph/gremlin-driver.ts). */
export function gremlinClient(url: string, options: Readonly<Record<string, unknown>> = {}) {
  const connection = new gremlin.driver.DriverRemoteConnection(url, { ...options, mimeType: GRAPHSON3, traversalSource: 'g' });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  const { statics: __, t, TextP } = gremlin.process;
  return { g, __, t, TextP, close: () => connection.close() };
}
