import { buildStates, type BuildState } from '../../projections/fingerprint.ts';
import type { Readiness } from '../../runtime/index.ts';
import type { RefractConfig } from '../config/config.ts';
import { loadApp } from '../config/load-app.ts';
import { serverAuth } from '../config/server-auth.ts';
import { createBuildRecords, createDeadLetters, createGraphStore } from '../container/adapter-factories.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { serverOrigin } from '../shared/server-origin.ts';
import { authorizedGet } from '../shared/tls-trust.ts';
import { OPERATED_LEGS } from './serve-ops.ts';

export interface ServerStatus {
  readonly name: string;
  readonly origin: string;
  readonly up: boolean;
  /** What the server said (a version, a cluster colour) or why it did not answer. */
  readonly detail: string;
}

export interface LegStatus {
  readonly leg: string;
  readonly backlog: number | null;
  /** Messages per second the broker dispatches to the leg's consumers. */
  readonly rate: number | null;
  readonly consumers: number | null;
  readonly deadLetters: number | null;
}

/** One side of a projection against what its read model records (docs/adr/0018). */
export interface ProjectionStatus {
  readonly projection: string;
  readonly leg: 'graph' | 'vector';
  readonly version: number;
  /** null when the records could not be read. */
  readonly state: BuildState | null;
  readonly builtVersion?: number;
  readonly detail?: string;
}

export interface StatusReport {
  readonly at: string;
  readonly adapters: { readonly eventLog: string; readonly graph: string; readonly vectors: string };
  readonly where: string;
  readonly servers: readonly ServerStatus[];
  readonly legs: readonly LegStatus[];
  readonly projections: readonly ProjectionStatus[];
  /** The runner's /readyz, where one answers at `runner.url`. */
  readonly runner: { readonly url: string; readonly answering: boolean; readonly readiness?: Readiness; readonly error?: string };
  /** Everything answers and the runner is ready. */
  readonly ok: boolean;
}

const TIMEOUT_MS = 5_000;

/**
 * `refract status`: one look at a running system, asked of the servers and of the runner's
 * /readyz, changing nothing. Each question has its own deadline, so a server that hangs
 * shows as down instead of hanging the command.
 */
export async function gatherStatus(config: RefractConfig, runnerUrl: string): Promise<StatusReport> {
  const [servers, legs, runner, projections] = await Promise.all([
    serverStatuses(config), legStatuses(config), askRunner(runnerUrl), projectionStatuses(config),
  ]);
  const ok = servers.every((s) => s.up) && runner.answering && runner.readiness?.ready === true;
  return {
    at: new Date().toISOString(),
    adapters: { eventLog: config.eventLog, graph: config.graph, vectors: config.vectors },
    where: config.eventLog === 'pulsar' ? `${serverOrigin(config.pulsarUrl)} ${config.pulsarTenant}/${config.pulsarNamespace}` : 'embedded adapters (in the runner process only)',
    servers, legs, projections, runner, ok,
  };
}

/** Each projection's sides: current, needing a rebuild, or never built, from the build records. */
export async function projectionStatuses(config: RefractConfig): Promise<ProjectionStatus[]> {
  const app = await loadApp(config);
  try {
    const records = await Promise.race([
      (await createBuildRecords(config)).read(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
    ]);
    return buildStates(app.projections, records).map((s) => ({
      projection: s.projection, leg: s.leg, version: s.version, state: s.state,
      ...(s.recorded ? { builtVersion: s.recorded.version } : {}),
    }));
  } catch (error) {
    return buildStates(app.projections, []).map((s) => ({
      projection: s.projection, leg: s.leg, version: s.version, state: null, detail: `build records unreadable: ${reasonOf(error)}`,
    }));
  }
}

async function serverStatuses(config: RefractConfig): Promise<ServerStatus[]> {
  const checks: Promise<ServerStatus>[] = [];
  if (config.eventLog === 'pulsar') {
    checks.push(probe('pulsar', config.pulsarUrl, async () => {
      const text = await httpText(`${config.pulsarUrl.replace(/\/+$/, '')}/admin/v2/brokers/version`, serverAuth(config, 'pulsar'));
      return `Pulsar ${text.replace(/"/g, '').trim()}`;
    }));
  }
  if (config.graph === 'janusgraph') {
    checks.push(probe('janusgraph', config.janusgraphUrl, async () => {
      const store = await createGraphStore(config);
      try {
        await store.get(['refract-status-probe']);
        return 'answers reads';
      } finally {
        await store.close();
      }
    }));
  }
  if (config.vectors === 'opensearch') {
    checks.push(probe('opensearch', config.opensearchUrl, async () => {
      const health = JSON.parse(await httpText(`${config.opensearchUrl.replace(/\/+$/, '')}/_cluster/health`, serverAuth(config, 'opensearch'))) as { status?: string };
      if (health.status === 'red') throw new Error('cluster health red');
      return `cluster ${health.status ?? 'unknown'}`;
    }));
  }
  return Promise.all(checks);
}

async function legStatuses(config: RefractConfig): Promise<LegStatus[]> {
  const unknown = (leg: string): LegStatus => ({ leg, backlog: null, rate: null, consumers: null, deadLetters: null });
  if (config.eventLog !== 'pulsar') return OPERATED_LEGS.map(unknown);
  const { createPulsarAdmin } = await import('../pulsar/pulsar-admin.ts');
  const { subscriptionStats } = await import('../pulsar/subscription-backlog.ts');
  const { fullTopicName } = await import('../pulsar/topic-names.ts');
  const admin = createPulsarAdmin(config.pulsarUrl, { timeoutMs: TIMEOUT_MS, auth: serverAuth(config, 'pulsar') });
  const deadLetters = await createDeadLetters(config);
  const where = { tenant: config.pulsarTenant, namespace: config.pulsarNamespace };
  const { topics } = await loadApp(config);
  return Promise.all(OPERATED_LEGS.map(async (leg) => {
    try {
      const [stats, depth] = await Promise.all([
        Promise.all(topics.map((t) => subscriptionStats(admin, fullTopicName(where, t), `refract-${leg}`))),
        deadLetters.depth(leg),
      ]);
      const known = stats.filter((s) => s !== undefined);
      return {
        leg,
        backlog: known.reduce((a, s) => a + s.backlog, 0),
        rate: known.reduce((a, s) => a + s.rateOut, 0),
        // A Key_Shared consumer of the leg subscribes to every topic: the most on one topic is the runner count.
        consumers: Math.max(0, ...known.map((s) => s.consumers)),
        deadLetters: depth,
      };
    } catch {
      return unknown(leg);
    }
  }));
}

async function askRunner(url: string): Promise<StatusReport['runner']> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { url, answering: true, readiness: (await res.json()) as Readiness };
  } catch (error) {
    return { url, answering: false, error: reasonOf(error) };
  }
}

async function probe(name: string, url: string, ask: () => Promise<string>): Promise<ServerStatus> {
  const origin = serverOrigin(url);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    return { name, origin, up: true, detail: await Promise.race([ask(), deadline]) };
  } catch (error) {
    return { name, origin, up: false, detail: reasonOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A GET with the server's credentials and trusted CA; a refusal says which setting to check. */
async function httpText(url: string, auth: ServerAuth): Promise<string> {
  const res = await authorizedGet(url, auth, TIMEOUT_MS);
  if (res.status === 401 || res.status === 403) throw new Error(`HTTP ${res.status}: the server refused Refract's credentials (see README, Secured servers)`);
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
  return res.text;
}

/** fetch hides the socket error in `cause`: that is the part an operator can act on. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message}: ${cause}` : error.message;
}
