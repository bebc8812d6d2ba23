import type { SecureMaterial } from './secure.ts';

/**
 * One real server the launcher can prepare, start, probe and stop (see docs/adr/0005).
 * Each server lives in its own module (pulsar.ts, janusgraph.ts, opensearch.ts, postgres.ts)
 * and exports a ServiceDefinition; cli.ts and the test global setup drive them in order.
 */
/** The servers a bare `npm run services:up` starts, and the ones the integration suite runs on. */
export type ServiceName = 'pulsar' | 'janusgraph' | 'opensearch';
/** Servers the launcher starts only when named (`npm run services:up -- postgres`); not in the suite (yet). */
export type OptionalServiceName = 'postgres' | 'cdc';
export type LauncherServiceName = ServiceName | OptionalServiceName;

export interface ServiceContext {
  /** Folder the launcher owns for this server: .services/<name>/ (logs, data, libs, config). */
  readonly dir: string;
  /** Ports resolved from configuration (env overrides), e.g. { web: 8080, broker: 6650 }. */
  readonly ports: Readonly<Record<string, number>>;
  readonly log: (message: string) => void;
  /**
   * Set when the services folder is secured (`services:up -- --secure`, docs/adr/0022): the
   * server then requires TLS and credentials, and its probe presents them.
   */
  readonly secure?: SecureMaterial;
}

export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ServiceDefinition<N extends LauncherServiceName = ServiceName> {
  readonly name: N;
  /** Default ports, each overridable by an environment variable named in `portEnv`. */
  readonly defaultPorts: Readonly<Record<string, number>>;
  readonly portEnv: Readonly<Record<string, string>>;
  /** Fetch artifacts (cached in ~/.m2, copied under dir) and write config. Idempotent. */
  prepare(ctx: ServiceContext): Promise<void>;
  /** The process to start; the launcher detaches it and records its pid. */
  spawn(ctx: ServiceContext): SpawnSpec;
  /** A real request (admin API, traversal, cluster info). Resolves to the server's version. */
  probe(ctx: ServiceContext): Promise<string>;
  /** How long a cold start may take before the launcher gives up. */
  readonly readyTimeoutMs: number;
  /** The signal that asks it to stop gracefully (default SIGTERM); SIGKILL follows after a grace period. */
  readonly stopSignal?: NodeJS.Signals;
}

/** Any server the launcher drives: a default one or one started only when named. */
export type AnyServiceDefinition = ServiceDefinition<LauncherServiceName>;
