import { createRequire } from 'node:module';
import type { ServerAuth } from '../shared/server-auth.ts';

/**
 * The typed slice of the untyped `gremlin` package (3.7.x, CommonJS, no @types) that this
 * adapter uses. Only these names are reachable, so a step this file does not declare cannot
 * slip in unchecked.
 */
export interface GraphTraversal {
  V(...ids: unknown[]): GraphTraversal;
  addE(label: string | GraphTraversal): GraphTraversal;
  addV(label: string | GraphTraversal): GraphTraversal;
  as(...labels: string[]): GraphTraversal;
  by(...modulators: unknown[]): GraphTraversal;
  coalesce(...branches: GraphTraversal[]): GraphTraversal;
  constant(value: unknown): GraphTraversal;
  count(): GraphTraversal;
  dedup(): GraphTraversal;
  drop(): GraphTraversal;
  fold(): GraphTraversal;
  from_(vertex: string | GraphTraversal): GraphTraversal;
  has(...args: unknown[]): GraphTraversal;
  hasKey(predicate: unknown): GraphTraversal;
  inE(...labels: string[]): GraphTraversal;
  inV(): GraphTraversal;
  label(): GraphTraversal;
  limit(max: number): GraphTraversal;
  mergeV(search: GraphTraversal | ReadonlyMap<unknown, unknown>): GraphTraversal;
  not(filter: GraphTraversal): GraphTraversal;
  option(token: unknown, value: unknown): GraphTraversal;
  or(...filters: GraphTraversal[]): GraphTraversal;
  order(): GraphTraversal;
  outE(...labels: string[]): GraphTraversal;
  outV(): GraphTraversal;
  /** Server-side metrics of the traversal instead of its result (tests check index use with it). */
  profile(): GraphTraversal;
  project(...keys: string[]): GraphTraversal;
  properties(...keys: string[]): GraphTraversal;
  property(key: unknown, value: unknown): GraphTraversal;
  select(...keys: unknown[]): GraphTraversal;
  sideEffect(effect: GraphTraversal): GraphTraversal;
  to(vertex: string | GraphTraversal): GraphTraversal;
  union(...branches: GraphTraversal[]): GraphTraversal;
  unfold(): GraphTraversal;
  valueMap(...keys: string[]): GraphTraversal;
  values(...keys: string[]): GraphTraversal;
  where(...args: unknown[]): GraphTraversal;
  next(): Promise<{ value: unknown; done: boolean }>;
  toList(): Promise<unknown[]>;
  iterate(): Promise<void>;
}

export interface GraphTraversalSource {
  V(...ids: unknown[]): GraphTraversal;
  addV(label: string | GraphTraversal): GraphTraversal;
  E(...ids: unknown[]): GraphTraversal;
  inject(...values: unknown[]): GraphTraversal;
}

/** Anonymous traversals (`__` in Gremlin); only the starts this adapter needs. */
export type AnonymousTraversals = Pick<
  GraphTraversal,
  'V' | 'addE' | 'addV' | 'constant' | 'count' | 'drop' | 'fold' | 'has' | 'inE' | 'inV' | 'label' | 'not'
  | 'outE' | 'properties' | 'select' | 'unfold' | 'valueMap' | 'values' | 'where'
>;

/** A value serializer for the GraphSON writer; custom ones are consulted first. */
export interface GraphSONSerializer {
  canBeUsedFor(value: unknown): boolean;
  serialize(value: unknown): unknown;
}

export interface RemoteConnectionOptions {
  readonly mimeType: string;
  readonly traversalSource: string;
  readonly writer?: unknown;
  /** SASL login, answered when the server challenges (Gremlin Server's authentication). */
  readonly authenticator?: unknown;
  /** CA certificates (PEM) a wss:// connection trusts; with rejectUnauthorized, the server must chain to one. */
  readonly ca?: readonly string[];
  readonly rejectUnauthorized?: boolean;
}

interface ResultSet {
  toArray(): unknown[];
}

export interface DriverRemoteConnection {
  close(): Promise<void>;
}

export interface ScriptClient {
  submit(script: string, bindings?: Readonly<Record<string, unknown>>): Promise<ResultSet>;
  close(): Promise<void>;
}

export type EnumValue = object;

interface GremlinModule {
  readonly driver: {
    readonly DriverRemoteConnection: new (url: string, options: RemoteConnectionOptions) => DriverRemoteConnection;
    readonly Client: new (url: string, options: RemoteConnectionOptions) => ScriptClient;
    readonly auth: {
      readonly PlainTextSaslAuthenticator: new (username: string, password: string) => unknown;
    };
  };
  readonly process: {
    readonly AnonymousTraversalSource: {
      traversal(): { withRemote(connection: DriverRemoteConnection): GraphTraversalSource };
    };
    readonly statics: AnonymousTraversals;
    readonly P: Readonly<Record<'lt' | 'lte' | 'gt' | 'neq' | 'eq' | 'within' | 'without', (...values: unknown[]) => unknown>>;
    readonly TextP: Readonly<Record<'startingWith', (value: string) => unknown>>;
    readonly t: Readonly<Record<'id' | 'label', EnumValue>>;
    readonly merge: Readonly<Record<'onCreate' | 'onMatch', EnumValue>>;
    readonly column: Readonly<Record<'keys' | 'values', EnumValue>>;
    readonly order: Readonly<Record<'asc' | 'desc', EnumValue>>;
  };
  readonly structure: {
    readonly io: {
      readonly GraphSONWriter: new (options: { serializers: Readonly<Record<string, GraphSONSerializer>> }) => unknown;
    };
  };
}

/** The `gremlin` package, loaded once; the adapter is imported lazily, so others never pay for it. */
export const gremlin = createRequire(import.meta.url)('gremlin') as GremlinModule;
export const __ = gremlin.process.statics;
export const { P, TextP, t, merge, column, order } = gremlin.process;

/**
 * The connection options for a secured Gremlin Server (docs/adr/0022): SASL PLAIN with the
 * user and password, and the CA a wss:// connection trusts. None for an unsecured one.
 */
export function connectionAuth(auth: ServerAuth | undefined): Pick<RemoteConnectionOptions, 'authenticator' | 'ca' | 'rejectUnauthorized'> {
  return {
    ...(auth?.username !== undefined && auth.password
      ? { authenticator: new gremlin.driver.auth.PlainTextSaslAuthenticator(auth.username, auth.password.reveal()) }
      : {}),
    ...(auth?.ca === undefined ? {} : { ca: [auth.ca], rejectUnauthorized: true }),
  };
}

/** GraphSON 3: the JS driver's GraphBinary reader fails on JanusGraph's own types (edge ids). */
export const GRAPHSON3_MIME_TYPE = 'application/vnd.gremlin-v3.0+json';
