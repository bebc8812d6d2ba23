import { z } from 'zod';
import { RefractError } from '../../domain/index.ts';

/** Every setting Refract reads, with its default. Env vars and CLI flags map onto it. */
export const configSchema = z.object({
  /** A module exporting the application (defineApp); unset: the built-in banking application. */
  app: z.string().min(1).optional(),
  eventLog: z.enum(['memory', 'pulsar']).default('memory'),
  graph: z.enum(['memory', 'janusgraph']).default('memory'),
  vectors: z.enum(['memory', 'opensearch']).default('memory'),
  embedder: z.enum(['hashing', 'minilm']).default('hashing'),
  pulsarUrl: z.url().default('http://127.0.0.1:8080'),
  pulsarTenant: z.string().min(1).default('refract'),
  pulsarNamespace: z.string().min(1).default('banking'),
  janusgraphUrl: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL').default('ws://127.0.0.1:8182/gremlin'),
  opensearchUrl: z.url().default('http://127.0.0.1:9200'),
  /** Vector index and alias names start with it: one prefix per deployment sharing an OpenSearch cluster. */
  indexPrefix: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -, as OpenSearch index names allow').default('refract-'),
  /** The PostgreSQL whose changes the CDC leg captures (docs/adr/0021); the launcher's cluster by default. */
  postgresUrl: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').default('postgres://postgres@127.0.0.1:5433/refract'),
  /** The publication and the logical replication slot the CDC service reads. */
  cdcPublication: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('refract_cdc'),
  cdcSlot: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('refract_cdc'),
  modelDir: z.string().min(1).default('.models/all-MiniLM-L6-v2'),
  /** `local`: the prepared modelDir, no network; `hub`: download from the model hub. */
  modelSource: z.enum(['local', 'hub']).default('local'),
  /** all-MiniLM-L6-v2 as fp32 or int8 (about twice as fast, same paraphrase hits; docs/adr/0014). */
  modelVariant: z.enum(['fp32', 'int8']).default('int8'),
  batchSize: z.coerce.number().int().min(1).max(10_000).default(100),
  maxWaitMs: z.coerce.number().int().min(0).max(60_000).default(50),
  /** Attempts for one message on its own before it is dead-lettered (docs/adr/0012). */
  itemAttempts: z.coerce.number().int().min(1).max(100).default(3),
  /** Stop a leg when more than this share of one batch fails on the store or in a projection. */
  maxFailedShare: z.coerce.number().min(0).max(1).default(0.5),
  /** A message in flight at this many consecutive crashes is dead-lettered. */
  maxCrashes: z.coerce.number().int().min(1).max(100).default(3),
  /** Where each leg keeps its in-flight journal; one directory per process. */
  stateDir: z.string().min(1).default('.refract'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Where `refract run` serves /metrics, /livez and /readyz (docs/operations.md); 0: any free port. */
  metricsPort: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** The address it listens on: loopback by default; 0.0.0.0 for a Prometheus on another host. */
  metricsHost: z.string().min(1).default('127.0.0.1'),
  /** `/readyz` fails for a leg with a backlog and no progress for this long. */
  stallSeconds: z.coerce.number().min(1).max(86_400).default(60),
  /** `/readyz` fails for a leg that cannot reach its store or the log for this long. */
  storeGraceSeconds: z.coerce.number().min(0).max(86_400).default(30),
});

export type RefractConfig = z.infer<typeof configSchema>;

/** Environment variable for each setting: REFRACT_ plus the name in upper snake case. */
export const envName = (key: string) => `REFRACT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * Builds the configuration from defaults ← environment ← flags, and fails at start-up with
 * a message that names the setting, where it came from, and the bad value.
 */
export function loadConfig(flags: Readonly<Record<string, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): RefractConfig {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const fromEnv = env[envName(key)];
    if (fromEnv !== undefined && fromEnv !== '') {
      raw[key] = fromEnv;
      origin[key] = `environment variable ${envName(key)}`;
    }
    if (flags[key] !== undefined) {
      raw[key] = flags[key];
      origin[key] = `flag --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '(config)');
  throw new RefractError(
    'CONFIG.INVALID',
    `setting "${key}" from ${origin[key] ?? 'defaults'} is invalid: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(raw[key])})`,
    { field: key, value: raw[key] },
  );
}
