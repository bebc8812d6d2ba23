import type { Command } from 'commander';

/** Flags that pick adapters and tune the runner; they override REFRACT_* environment variables. */
export function adapterFlags(command: Command): Command {
  return appFlag(command)
    .option('--event-log <kind>', 'memory | pulsar (env REFRACT_EVENT_LOG)')
    .option('--graph <kind>', 'memory | janusgraph (env REFRACT_GRAPH)')
    .option('--vectors <kind>', 'memory | opensearch (env REFRACT_VECTORS)')
    .option('--embedder <kind>', 'hashing | minilm (env REFRACT_EMBEDDER)')
    .option('--pulsar-url <url>', 'Pulsar web service: admin REST and WebSocket API (env REFRACT_PULSAR_URL)')
    .option('--pulsar-tenant <name>', 'tenant (env REFRACT_PULSAR_TENANT, default refract)')
    .option('--pulsar-namespace <name>', 'namespace (env REFRACT_PULSAR_NAMESPACE, default banking)')
    .option('--janusgraph-url <url>', 'Gremlin server, ws:// or wss:// (env REFRACT_JANUSGRAPH_URL)')
    .option('--opensearch-url <url>', 'OpenSearch (env REFRACT_OPENSEARCH_URL)')
    .option('--index-prefix <prefix>', 'vector index and alias names start with it (env REFRACT_INDEX_PREFIX, default refract-)')
    .option('--batch-size <n>', 'events per batch (env REFRACT_BATCH_SIZE, default 100)')
    .option('--log-level <level>', 'debug | info | warn | error (env REFRACT_LOG_LEVEL, default info; the demo: error)')
    .option('--state-dir <dir>', 'where each leg keeps its in-flight journal (env REFRACT_STATE_DIR, default .refract)');
}

/** The application a command works for: every command whose work depends on its entities, topics or outputs. */
export function appFlag(command: Command): Command {
  return command.option('--app <module>', 'a module exporting the application (defineApp); default: the built-in banking app (env REFRACT_APP)');
}

/** Where a long-running command serves /metrics, /livez and /readyz (docs/operations.md). */
export function opsFlags(command: Command): Command {
  return command
    .option('--metrics-port <port>', 'port of /metrics, /livez and /readyz; 0 for any free port (env REFRACT_METRICS_PORT, default 9464)')
    .option('--metrics-host <host>', 'address to listen on (env REFRACT_METRICS_HOST, default 127.0.0.1)');
}

/** The subset of parsed flags that are configuration settings. */
export function configFlags(flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keys = ['app', 'eventLog', 'graph', 'vectors', 'embedder', 'pulsarUrl', 'pulsarTenant', 'pulsarNamespace', 'janusgraphUrl', 'opensearchUrl', 'indexPrefix', 'batchSize', 'logLevel', 'stateDir', 'metricsPort', 'metricsHost'];
  return Object.fromEntries(keys.filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]]));
}
