/**
 * One real server the launcher can prepare, start, probe and stop (see docs/adr/0005).
 * Each server lives in its own module (pulsar.ts, janusgraph.ts, opensearch.ts) and
 * exports a ServiceDefinition; cli.ts and the test global setup drive them in order.
 */
export type ServiceName = 'pulsar' | 'janusgraph' | 'opensearch';

export interface ServiceContext {
  /** Folder the launcher owns for this server: .services/<name>/ (logs, data, libs, config). */
  readonly dir: string;
  /** Ports resolved from configuration (env overrides), e.g. { web: 8080, broker: 6650 }. */
  readonly ports: Readonly<Record<string, number>>;
  readonly log: (message: string) => void;
}

export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ServiceDefinition {
  readonly name: ServiceName;
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
}
