import { z } from 'zod';
import { RefractError } from '../../domain/index.ts';
import { BANKING_GRAPH_SCHEMA, ENTITY_ID_INDEX, SYSTEM_KEYS, type GraphSchema } from './graph-schema.ts';
import { GRAPHSON3_MIME_TYPE, gremlin } from './gremlin-driver.ts';
import { SCHEMA_SCRIPT } from './schema-script.ts';
import { storeCall } from './store-errors.ts';

export interface SchemaInitConfig {
  /** Gremlin Server WebSocket endpoint, e.g. ws://127.0.0.1:8182/gremlin */
  readonly url: string;
  readonly schema?: GraphSchema;
  /** How long the script may wait for the index to become ENABLED; below the server's evaluationTimeout. */
  readonly indexWaitMs?: number;
  readonly requestTimeoutMs?: number;
}

/** What initGraphSchema found: each label, key, lock and index, as created now or already present. */
export interface SchemaReport {
  readonly created: readonly string[];
  readonly present: readonly string[];
  /** The unique entity_id index's status; ENABLED when init returns. */
  readonly index: string;
}

const reportSchema = z.object({ created: z.array(z.string()), present: z.array(z.string()), index: z.string() });

/**
 * Declares labels, system keys and the unique entity_id index (LOCK) through the management
 * API, which only a script can reach: one fixed script with bindings (schema-script.ts).
 * Safe to run any number of times, also while the store is being written.
 */
export async function initGraphSchema(config: SchemaInitConfig): Promise<SchemaReport> {
  const schema = config.schema ?? BANKING_GRAPH_SCHEMA;
  const client = new gremlin.driver.Client(config.url, { mimeType: GRAPHSON3_MIME_TYPE, traversalSource: 'g' });
  const bindings = {
    vertexLabels: [...schema.vertexLabels],
    edgeLabels: [...schema.edgeLabels],
    propertyKeys: schema.propertyKeys.map((k) => ({ name: k.name, dataType: k.dataType })),
    // The version guard reads then writes `version`: LOCK makes a concurrent writer of the same
    // vertex fail at commit (and retry) on backends without serializable transactions.
    lockedKeys: [SYSTEM_KEYS.version],
    indexName: ENTITY_ID_INDEX,
    indexKey: SYSTEM_KEYS.id,
    waitMs: config.indexWaitMs ?? 20_000,
  };
  try {
    const result = await storeCall('schema init', config.requestTimeoutMs ?? 60_000, () => client.submit(SCHEMA_SCRIPT, bindings));
    const answer: unknown = result.toArray()[0];
    const report = reportSchema.parse(typeof answer === 'string' ? JSON.parse(answer) : answer);
    if (report.index !== 'ENABLED') {
      throw new RefractError('STORE.UNAVAILABLE', `index ${ENTITY_ID_INDEX} is ${report.index}, not ENABLED yet; run init again`, { index: report.index });
    }
    return report;
  } finally {
    await client.close().catch(() => undefined);
  }
}
