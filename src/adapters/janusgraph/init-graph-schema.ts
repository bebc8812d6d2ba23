import { z } from 'zod';
import { RefractError } from '../../domain/index.ts';
import { BANKING_GRAPH_SCHEMA, SYSTEM_KEYS, type GraphSchema } from './graph-schema.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { serverOrigin } from '../shared/server-origin.ts';
import { connectionAuth, GRAPHSON3_MIME_TYPE, gremlin } from './gremlin-driver.ts';
import { SCHEMA_SCRIPT } from './schema-script.ts';
import { storeCall } from './store-errors.ts';

export interface SchemaInitConfig {
  /** Gremlin Server WebSocket endpoint, e.g. ws://127.0.0.1:8182/gremlin */
  readonly url: string;
  /** The user, password and CA for a secured Gremlin Server (docs/adr/0022). */
  readonly auth?: ServerAuth;
  readonly schema?: GraphSchema;
  /** How long the script may wait for each index step (a re-index, ENABLED); below requestTimeoutMs. */
  readonly indexWaitMs?: number;
  readonly requestTimeoutMs?: number;
}

/** What initGraphSchema found: each label, key, lock and index, as created now or already present. */
export interface SchemaReport {
  readonly created: readonly string[];
  readonly present: readonly string[];
  /** Each index's status; all ENABLED when init returns. */
  readonly indices: Readonly<Record<string, string>>;
  /** ENABLED when every index is (always, when init returns). */
  readonly index: string;
}

const answerSchema = z.object({ created: z.array(z.string()), present: z.array(z.string()), indices: z.record(z.string(), z.string()) });

/**
 * Declares labels, system keys and the composite indices (the unique entity_id index with LOCK,
 * the bucket indices) through the management API, which only a script can reach: one fixed
 * script with bindings (schema-script.ts). Safe to run any number of times, also while the
 * store is being written. An index that is not ENABLED yet is a retryable STORE.UNAVAILABLE.
 */
export async function initGraphSchema(config: SchemaInitConfig): Promise<SchemaReport> {
  const schema = config.schema ?? BANKING_GRAPH_SCHEMA;
  const client = new gremlin.driver.Client(config.url, { mimeType: GRAPHSON3_MIME_TYPE, traversalSource: 'g', ...connectionAuth(config.auth) });
  const bindings = {
    vertexLabels: [...schema.vertexLabels],
    edgeLabels: [...schema.edgeLabels],
    propertyKeys: schema.propertyKeys.map((k) => ({ name: k.name, dataType: k.dataType })),
    // The version guard reads then writes `version`: LOCK makes a concurrent writer of the same
    // vertex fail at commit (and retry) on backends without serializable transactions.
    lockedKeys: [SYSTEM_KEYS.version],
    indices: schema.indices.map((ix) => ({ name: ix.name, keys: [...ix.keys], unique: ix.unique })),
    waitMs: config.indexWaitMs ?? 20_000,
  };
  try {
    const result = await storeCall('schema init', config.requestTimeoutMs ?? 60_000, () => client.submit(SCHEMA_SCRIPT, bindings), serverOrigin(config.url));
    const answer: unknown = result.toArray()[0];
    const { created, present, indices } = answerSchema.parse(typeof answer === 'string' ? JSON.parse(answer) : answer);
    const waiting = Object.entries(indices).filter(([, status]) => status !== 'ENABLED');
    if (waiting.length > 0) {
      const list = waiting.map(([name, status]) => `${name} is ${status}`).join(', ');
      throw new RefractError('STORE.UNAVAILABLE', `index ${list}, not ENABLED yet`, { indices });
    }
    return { created, present, indices, index: 'ENABLED' };
  } finally {
    await client.close().catch(() => undefined);
  }
}
