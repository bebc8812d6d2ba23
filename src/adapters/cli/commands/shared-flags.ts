import type { Command } from 'commander';

/** Flags that pick adapters and tune the runner; they override REFRACT_* environment variables. */
export function adapterFlags(command: Command): Command {
  return command
    .option('--event-log <kind>', 'memory | pulsar (env REFRACT_EVENT_LOG)')
    .option('--graph <kind>', 'memory | janusgraph (env REFRACT_GRAPH)')
    .option('--vectors <kind>', 'memory | opensearch (env REFRACT_VECTORS)')
    .option('--embedder <kind>', 'hashing | minilm (env REFRACT_EMBEDDER)')
    .option('--batch-size <n>', 'events per batch (env REFRACT_BATCH_SIZE, default 100)')
    .option('--log-level <level>', 'debug | info | warn | error (env REFRACT_LOG_LEVEL, default info; the demo: error)')
    .option('--state-dir <dir>', 'where each leg keeps its in-flight journal (env REFRACT_STATE_DIR, default .refract)');
}

/** The subset of parsed flags that are configuration settings. */
export function configFlags(flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keys = ['eventLog', 'graph', 'vectors', 'embedder', 'batchSize', 'logLevel', 'stateDir'];
  return Object.fromEntries(keys.filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]]));
}
