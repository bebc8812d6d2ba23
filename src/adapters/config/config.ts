import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RefractError } from '../../domain/index.ts';
import { Secret } from '../shared/secret.ts';

/** A credential: only from the environment or a file, printed as [redacted] (docs/adr/0022). */
const secret = z.string().min(1).transform((value) => new Secret(value)).optional();

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
  /**
   * A PEM file with the CA certificates Refract trusts for https:// and wss:// servers; unset:
   * the system's. Credentials (docs/adr/0022) come from the environment or a *File setting, never a flag.
   */
  caFile: z.string().min(1).optional(),
  /** Pulsar: a JSON Web Token sent on every admin and WebSocket request. */
  pulsarToken: secret,
  pulsarTokenFile: z.string().min(1).optional(),
  /** JanusGraph: Gremlin Server's SASL PLAIN login. */
  janusgraphUsername: z.string().min(1).optional(),
  janusgraphPassword: secret,
  janusgraphPasswordFile: z.string().min(1).optional(),
  /** OpenSearch: HTTP basic authentication. */
  opensearchUsername: z.string().min(1).optional(),
  opensearchPassword: secret,
  opensearchPasswordFile: z.string().min(1).optional(),
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

/** Settings that hold a credential: never a flag (every process listing shows flags), never echoed in an error. */
export const SECRET_SETTINGS = ['pulsarToken', 'janusgraphPassword', 'opensearchPassword'] as const;
type SecretSetting = (typeof SECRET_SETTINGS)[number];
const isSecretSetting = (key: string): key is SecretSetting => (SECRET_SETTINGS as readonly string[]).includes(key);

/** Environment variable for each setting: REFRACT_ plus the name in upper snake case. */
export const envName = (key: string) => `REFRACT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * Builds the configuration from defaults ← environment ← flags, and fails at start-up with
 * a message that names the setting, where it came from, and the bad value.
 */
export function loadConfig(flags: Readonly<Record<string, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): RefractConfig {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const key of SECRET_SETTINGS) {
    if (flags[key] !== undefined) {
      throw new RefractError('CONFIG.INVALID', `setting "${key}" is a credential and cannot be a flag, which every process listing shows: set ${envName(key)} or ${envName(`${key}File`)} instead`, { field: key });
    }
  }
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
  if (parsed.success) return withCredentialFiles(parsed.data, origin);
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '(config)');
  const value = isSecretSetting(key) ? '[redacted]' : raw[key];
  throw new RefractError(
    'CONFIG.INVALID',
    `setting "${key}" from ${origin[key] ?? 'defaults'} is invalid: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(value)})`,
    { field: key, value },
  );
}

/** The server URLs, which must not carry a user or password: those are credential settings. */
const URL_SETTINGS = { pulsarUrl: 'pulsarToken', janusgraphUrl: 'janusgraphPassword', opensearchUrl: 'opensearchPassword' } as const;

/**
 * Reads each credential whose *File setting is given (its content, trimmed), and checks that a
 * user name comes with a password. Errors name the setting and the file, never a credential.
 */
function withCredentialFiles(config: RefractConfig, origin: Readonly<Record<string, string>>): RefractConfig {
  for (const [key, credential] of Object.entries(URL_SETTINGS) as [keyof typeof URL_SETTINGS, string][]) {
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(config[key])) {
      throw new RefractError('CONFIG.INVALID', `setting "${key}" from ${origin[key] ?? 'defaults'} carries a user name or password, which a URL must not (it shows in process listings and logs): ` +
        `set ${envName(credential)} or ${envName(`${credential}File`)} instead`, { field: key });
    }
  }
  const resolved: RefractConfig = { ...config };
  for (const key of SECRET_SETTINGS) {
    const fileKey = `${key}File` as const;
    const file = config[fileKey];
    if (file === undefined) continue;
    if (config[key] !== undefined) {
      throw new RefractError('CONFIG.INVALID', `settings "${key}" (${origin[key]}) and "${fileKey}" (${origin[fileKey]}) are both set; set one`, { field: fileKey });
    }
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new RefractError('CONFIG.INVALID', `setting "${fileKey}" from ${origin[fileKey]} names ${file}, which cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { field: fileKey, value: file });
    }
    if (!content) throw new RefractError('CONFIG.INVALID', `setting "${fileKey}" from ${origin[fileKey]} names ${file}, which is empty`, { field: fileKey, value: file });
    resolved[key] = new Secret(content);
  }
  for (const server of ['janusgraph', 'opensearch'] as const) {
    const user = resolved[`${server}Username`];
    const password = resolved[`${server}Password`];
    if ((user === undefined) !== (password === undefined)) {
      const missing = user === undefined ? `${server}Username` : `${server}Password`;
      throw new RefractError('CONFIG.INVALID', `setting "${missing}" is missing: ${server} needs both a user name and a password (${envName(`${server}Username`)}, and ${envName(`${server}Password`)} or ${envName(`${server}PasswordFile`)})`, { field: missing });
    }
  }
  if (config.caFile !== undefined) {
    try {
      readFileSync(config.caFile);
    } catch (error) {
      throw new RefractError('CONFIG.INVALID', `setting "caFile" from ${origin.caFile} names ${config.caFile}, which cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { field: 'caFile', value: config.caFile });
    }
  }
  return resolved;
}
