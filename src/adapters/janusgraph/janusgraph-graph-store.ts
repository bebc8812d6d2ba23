import { RefractError, type ApplyResult, type GraphCommand } from '../../domain/index.ts';
import type { GraphStore, StoredVertex } from '../../ports/index.ts';
import { chunked, chunkedByWeight, intoRounds, type Positioned } from './batch-rounds.ts';
import { coalesceUpsert } from './coalesce-upsert.ts';
import { RESERVED_KEYS } from './graph-schema.ts';
import { createGraphSONWriter } from './graphson-double.ts';
import { getVertices, sourceIds, toStoredVertex } from './graph-reads.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { serverOrigin } from '../shared/server-origin.ts';
import { connectionAuth, GRAPHSON3_MIME_TYPE, gremlin } from './gremlin-driver.ts';
import { mergeUpsert } from './merge-upsert.ts';
import { pagedGraphWork, type PagedRequest } from './paged-graph-work.ts';
import { storeCall } from './store-errors.ts';

export interface JanusGraphStoreConfig {
  /** Gremlin Server WebSocket endpoint, e.g. ws://127.0.0.1:8182/gremlin */
  readonly url: string;
  /** The user, password and CA for a secured Gremlin Server (docs/adr/0022). */
  readonly auth?: ServerAuth;
  /** `mergeV` (default, faster here) or `coalesce`: both guarded the same way; see docs/adr/0009. */
  readonly upsert?: 'mergeV' | 'coalesce';
  /** Commands per write traversal; one traversal is one transaction. */
  readonly maxCommandsPerTraversal?: number;
  /** Commands' JSON size per write traversal; a single larger command is rejected (not retried). */
  readonly maxBytesPerTraversal?: number;
  /** Ids per read traversal. */
  readonly maxIdsPerRead?: number;
  /** Deadline per request; past it the store counts as unavailable (retryable). */
  readonly requestTimeoutMs?: number;
  /** About how many vertices one count, scan or purge request may read (docs/adr/0010). */
  readonly verticesPerRequest?: number;
  /** Called after each count, scan or purge request with what it covered (metrics, tests). */
  readonly onRequest?: (request: PagedRequest) => void;
}

const UPSERTS = { mergeV: mergeUpsert, coalesce: coalesceUpsert } as const;

/**
 * The GraphStore on JanusGraph through the gremlin driver, bytecode only (docs/adr/0009).
 * Writes are batched, version-guarded traversals; whole-graph work (count, scan, purge) pages
 * through bucket indices (docs/adr/0010). The schema (labels, keys, the indices) must exist
 * first: initGraphSchema, or `refract graph init`.
 */
export function createJanusGraphStore(config: JanusGraphStoreConfig): GraphStore {
  const connection = new gremlin.driver.DriverRemoteConnection(config.url, {
    mimeType: GRAPHSON3_MIME_TYPE, traversalSource: 'g', writer: createGraphSONWriter(), ...connectionAuth(config.auth),
  });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
  const upsert = UPSERTS[config.upsert ?? 'mergeV'];
  const perTraversal = config.maxCommandsPerTraversal ?? 250;
  const bytesPerTraversal = config.maxBytesPerTraversal ?? DEFAULT_MAX_BYTES;
  const perRead = config.maxIdsPerRead ?? 500;
  const timeoutMs = config.requestTimeoutMs ?? 30_000;
  const server = serverOrigin(config.url);
  const call = <T>(operation: string, work: () => Promise<T>) => storeCall(operation, timeoutMs, work, server);
  const single = async (operation: string, work: () => Promise<{ value: unknown }>) => Number((await call(operation, work)).value ?? 0);
  const paged = pagedGraphWork(g, {
    verticesPerRequest: config.verticesPerRequest ?? 2_000,
    call,
    ...(config.onRequest ? { onRequest: config.onRequest } : {}),
  });

  return {
    async apply(commands, options = {}): Promise<ApplyResult> {
      const rejected: { position: number; error: RefractError }[] = [];
      const valid: (Positioned & { bytes: number })[] = [];
      commands.forEach((command, position) => {
        const reserved = reservedKey(command);
        if (reserved !== undefined) {
          rejected.push({ position, error: new RefractError('STORE.REJECTED', `property "${reserved}" is reserved by the graph store`, { field: reserved, id: command.id }) });
          return;
        }
        // Measured as JSON text; GraphSON's type wrappers fit in the headroom of the limit.
        const bytes = JSON.stringify(command).length;
        if (bytes > bytesPerTraversal) {
          rejected.push({ position, error: new RefractError('STORE.REJECTED', `${command.id}: ${bytes} bytes is more than one traversal may carry (${bytesPerTraversal})`, { field: '(command)', id: command.id, value: bytes }) });
        } else valid.push({ position, command, bytes });
      });
      let applied = 0;
      for (const round of intoRounds(valid)) {
        for (const chunk of chunkedByWeight(round, perTraversal, bytesPerTraversal, (c) => c.bytes)) {
          applied += await single('apply', () => upsert(g, chunk.map((c) => c.command), options.rewriteEqual ?? false).next());
        }
      }
      return { applied, stale: valid.length - applied, rejected };
    },

    async get(ids) {
      const found = new Map<string, StoredVertex>();
      for (const chunk of chunked([...new Set(ids)], perRead)) {
        const rows = await call('get', () => getVertices(g, chunk).toList());
        for (const vertex of rows.map(toStoredVertex)) found.set(vertex.id, vertex);
      }
      return found;
    },

    async sources(id, label) {
      const ids = await call('sources', () => sourceIds(g, id, label).toList());
      return ids.map(String).sort();
    },

    scan: (limit, after) => paged.scan(limit, after),
    purge: (options) => paged.purge(options),
    count: () => paged.count(),

    close: () => connection.close(),
  };
}

/**
 * Gremlin Server refuses requests over `maxContentLength` (16 MiB in the launcher's config) by
 * closing the connection; a quarter of it, measured as JSON text, leaves room for GraphSON's
 * type wrappers.
 */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** A payload key the store writes itself would be overwritten or corrupt the guard. */
function reservedKey(command: GraphCommand): string | undefined {
  if (command.kind !== 'upsert_vertex') return undefined;
  const keys = [...Object.keys(command.properties), ...command.edges.flatMap((e) => Object.keys(e.properties))];
  return keys.find((k) => RESERVED_KEYS.has(k));
}
