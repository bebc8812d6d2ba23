import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RefractError } from '../../domain/index.ts';
import type { Logger } from '../../ports/index.ts';
import { readiness, type LegHealth, type Readiness, type ReadinessPolicy } from '../../runtime/index.ts';
import type { PrometheusMetrics } from '../prometheus/prometheus-metrics.ts';

export interface OpsServerOptions {
  readonly host: string;
  /** 0: any free port (the one taken is in `address`). */
  readonly port: number;
  readonly metrics: PrometheusMetrics;
  readonly legs: readonly string[];
  readonly health: (leg: string) => LegHealth;
  /** The leg's subscription backlog from the log; undefined when the log cannot say. */
  readonly backlog: (leg: string) => Promise<number | undefined>;
  readonly deadLetterDepth: (leg: string) => Promise<number>;
  readonly policy: ReadinessPolicy;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface OpsServer {
  /** `http://host:port`, with the port really bound. */
  readonly address: string;
  close(): Promise<void>;
}

/** Samples of the log are reused for this long, so a scrape and a probe together ask the log once. */
const SAMPLE_TTL_MS = 1_000;
/** A scrape or probe waits at most this long for a fresh sample, then answers with the last one. */
const SAMPLE_WAIT_MS = 2_000;

/**
 * What `refract run` serves for operators (docs/operations.md):
 * - `GET /metrics`: Prometheus text format; backlog and dead-letter depth are asked of the log
 *   at scrape time;
 * - `GET /livez`: 200 while the process answers;
 * - `GET /readyz`: 200 when every leg is ready, else 503; the JSON body says per leg why.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'ops-server' });
  // The last value each leg's backlog had: a failed or slow sample keeps it, so a scrape or a
  // probe never waits long on the log's admin API and a stall stays visible while it is slow.
  const backlog = new Map<string, number | undefined>();
  const failing = new Set<string>();
  let sampledAt: number | undefined;
  let sampling: Promise<void> | undefined;

  const sampleLeg = async (leg: string) => {
    // Called in async wrappers, so a probe that throws rather than rejects is a failed sample too.
    const [b, d] = await Promise.allSettled([(async () => options.backlog(leg))(), (async () => options.deadLetterDepth(leg))()]);
    if (b.status === 'fulfilled' && b.value !== undefined) {
      backlog.set(leg, b.value);
      options.metrics.set('backlog_messages', leg, b.value);
    }
    if (d.status === 'fulfilled') options.metrics.set('dead_letter_messages', leg, d.value);
    const failure = [b, d].find((r) => r.status === 'rejected');
    if (failure && !failing.has(leg)) log.warn(`cannot sample the ${leg} leg's backlog or dead letters from the log; keeping the last values: ${String(failure.reason)}`, { leg });
    if (!failure && failing.has(leg)) log.info(`sampling the ${leg} leg's backlog works again`, { leg });
    if (failure) failing.add(leg);
    else failing.delete(leg);
  };

  const sample = async (): Promise<void> => {
    if (sampledAt !== undefined && now() - sampledAt < SAMPLE_TTL_MS) return;
    sampling ??= Promise.all(options.legs.map(sampleLeg)).then(() => { sampledAt = now(); }).finally(() => { sampling = undefined; });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sampling, new Promise<void>((resolve) => { timer = setTimeout(resolve, SAMPLE_WAIT_MS); })]);
    clearTimeout(timer);
  };

  const ready = async (): Promise<Readiness> => {
    await sample();
    return readiness(options.legs.map((leg) => ({
      leg, health: options.health(leg), lastProgressAt: options.metrics.lastProgress(leg), backlog: backlog.get(leg),
    })), now(), options.policy);
  };

  const routes: Readonly<Record<string, (res: ServerResponse) => Promise<void>>> = {
    '/metrics': async (res) => {
      await sample();
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
      res.end(await options.metrics.registry.metrics());
    },
    '/livez': (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return Promise.resolve();
    },
    '/readyz': async (res) => {
      const r = await ready();
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(r)}\n`);
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // A request target that is no URL (`GET //[`) must not throw here: that would end the process.
    const path = URL.canParse(req.url ?? '/', 'http://localhost') ? new URL(req.url ?? '/', 'http://localhost').pathname : undefined;
    const route = req.method === 'GET' && path !== undefined ? routes[path] : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: GET /metrics, /livez or /readyz\n');
      return;
    }
    route(res).catch((error: unknown) => {
      log.warn(`${path} failed: ${error instanceof Error ? error.message : String(error)}`, { path });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
      ? new RefractError('CONFIG.INVALID', `metricsPort ${options.port} on ${options.host} is taken by another process: set REFRACT_METRICS_PORT or --metrics-port to a free port, or 0 for any`, { field: 'metricsPort', value: options.port })
      : error));
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
