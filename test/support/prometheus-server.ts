import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where Debian's `prometheus` package puts the server; CI installs it (.ci/run). */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export const PROMETHEUS_INSTALL_HINT =
  `${PROMETHEUS_BINARY} is missing: this test starts a real Prometheus. Install it with ` +
  '`apt-get update && apt-get install -y prometheus` (Debian/Ubuntu; .ci/run does this, and stops the ' +
  'packaged service it starts).';

/** One series of an instant vector, as /api/v1/query returns it. */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  /** [unix seconds, value as text: a number, "NaN", "+Inf" or "-Inf"] */
  readonly value: readonly [number, string];
}

/** One active alert, as /api/v1/alerts returns it (resolved alerts are not listed). */
export interface PromAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
  readonly value: string;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly logFile: string;
  /** An instant query: the series of its vector (a scalar comes back as one series without labels). */
  query(expr: string): Promise<PromSample[]>;
  /** Every pending or firing alert. */
  alerts(): Promise<PromAlert[]>;
  /** The scrape targets' health, e.g. `[{ job: 'refract', health: 'up', lastError: '' }]`. */
  targets(): Promise<{ job: string; health: string; lastError: string }[]>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** A fresh directory of the test's: the config, the TSDB and the log go there. */
  readonly dir: string;
  /** `host:port` of each target of job `refract`. */
  readonly targets: readonly string[];
  /** Rule files (absolute paths). */
  readonly ruleFiles: readonly string[];
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
}

/** Fails with how to install Prometheus when the binary is not there: the test never skips. */
export function requirePrometheus(): void {
  if (!existsSync(PROMETHEUS_BINARY)) throw new Error(PROMETHEUS_INSTALL_HINT);
}

/** The Prometheus configuration for `options`, as YAML (JSON is YAML). */
export function prometheusConfig(options: Omit<PrometheusOptions, 'dir'>): string {
  return JSON.stringify({
    global: { scrape_interval: options.scrapeInterval, evaluation_interval: options.evaluationInterval },
    rule_files: options.ruleFiles,
    scrape_configs: [{ job_name: 'refract', scrape_interval: options.scrapeInterval, scrape_timeout: options.scrapeInterval, static_configs: [{ targets: options.targets }] }],
  }, null, 2);
}

/**
 * Starts /usr/bin/prometheus on a free loopback port with its config, TSDB and log in
 * `options.dir`, and resolves once /-/ready answers 200 (at most 60 s).
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  requirePrometheus();
  const configFile = join(options.dir, 'prometheus.yml');
  const logFile = join(options.dir, 'prometheus.log');
  writeFileSync(configFile, prometheusConfig(options));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(PROMETHEUS_BINARY, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(options.dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--log.level=info',
  ], { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const note = (chunk: Buffer) => appendFileSync(logFile, chunk);
  child.stdout.on('data', note);
  child.stderr.on('data', note);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      appendFileSync(logFile, `spawn failed: ${error.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    if (!running()) return;
    child.kill('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    const done = await Promise.race([exited, sleep(0).then(() => undefined)]);
    if (done) throw new Error(`prometheus exited before it was ready (code ${done.code ?? '-'}, signal ${done.signal ?? '-'}):\n${tailOf(logFile)}`);
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not answer ${url}/-/ready within 60 s:\n${tailOf(logFile)}`);
    }
    await sleep(250);
  }

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data?: T; errorType?: string; error?: string };
    if (!res.ok || body.status !== 'success' || body.data === undefined) throw new Error(`prometheus ${path}: HTTP ${res.status} ${body.errorType ?? ''} ${body.error ?? ''}`);
    return body.data;
  };

  return {
    url,
    logFile,
    async query(expr) {
      const data = await api<{ resultType: string; result: unknown }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      if (data.resultType === 'vector') return data.result as PromSample[];
      if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
      throw new Error(`prometheus query ${expr}: a ${data.resultType}, not an instant vector`);
    },
    alerts: async () => (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts,
    targets: async () => (await api<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('/api/v1/targets'))
      .activeTargets.map((t) => ({ job: t.labels['job'] ?? '', health: t.health, lastError: t.lastError })),
    stop,
  };
}

/** A TCP port free on loopback right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function tailOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no prometheus output)';
  }
}
