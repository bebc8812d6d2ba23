import type { RefractConfig } from '../config/config.ts';
import { buildContainer, resolvePipeline } from '../container/container.ts';
import { prepareServers } from '../container/prepare-servers.ts';
import { TOKENS } from '../container/tokens.ts';
import { healthBoard, serveOps } from '../ops/serve-ops.ts';
import { createBacklogProbe } from './backlog-probe.ts';
import { createCpuProbe } from './cpu-probe.ts';
import { LEGS } from './leg-tap.ts';
import type { LoadSample } from './load-sample.ts';
import { runLoad } from './load-session.ts';
import type { LoadSettings } from './load-settings.ts';
import { machineInfo } from './machine-info.ts';
import { buildReport, type LoadReport } from './report/load-report.ts';
import { writeReport } from './report/write-report.ts';
import { serverVersions } from './server-versions.ts';

export interface LoadOutcome {
  readonly report: LoadReport;
  readonly paths: { readonly json: string; readonly html: string };
}

/**
 * A whole load run on the configured adapters: prepare the servers as `run` does, run both
 * legs and the open-loop generator, write the JSON and HTML report. `say` gets progress lines.
 */
export async function loadAndReport(
  config: RefractConfig, settings: LoadSettings,
  options: {
    reportDir: string; title: string; say?: (line: string) => void;
    knownVersions?: Readonly<Record<string, string>>; serveMetrics?: boolean;
  },
): Promise<LoadOutcome> {
  const say = options.say ?? (() => undefined);
  const container = buildContainer(config, options.serveMetrics ? { metrics: 'prometheus' } : {});
  for (const line of await prepareServers(config, await container.getAsync(TOKENS.App))) say(line);
  const p = await resolvePipeline(container);
  const board = healthBoard();
  const ops = options.serveMetrics ? await serveOps(p, await container.getAsync(TOKENS.PrometheusMetrics), config, board.get) : undefined;
  if (ops) say(`metrics on ${ops.address}/metrics, health on /livez and /readyz`);
  try {
    const servers = { ...(await serverVersions(config)), ...options.knownVersions };
    const machine = machineInfo();
    const cpu = createCpuProbe(localServerPorts(config));
    const run = await runLoad(p, settings, {
      backlog: await createBacklogProbe(config), cpu, machineCores: machine.cpuCount,
      onSample: (s) => say(progressLine(s)), onHealth: board.update,
    });
    const report = buildReport(run, {
      title: options.title, machine, servers, settings,
      adapters: {
        eventLog: config.eventLog, graph: config.graph, vectors: config.vectors, embedder: config.embedder,
        embedderModel: p.embedder.modelId, batchSize: config.batchSize,
      },
    });
    return { report, paths: await writeReport(report, options.reportDir) };
  } finally {
    await Promise.all([ops?.close(), p.log.close(), p.graph.close(), p.vectors.close()]);
  }
}

/** The servers of this run that listen on this machine, by the port of their URL. */
export function localServerPorts(config: RefractConfig): Record<string, number> {
  const urls: [string, string | undefined][] = [
    ['pulsar', config.eventLog === 'pulsar' ? config.pulsarUrl : undefined],
    ['janusgraph', config.graph === 'janusgraph' ? config.janusgraphUrl : undefined],
    ['opensearch', config.vectors === 'opensearch' ? config.opensearchUrl : undefined],
  ];
  const local = new Set(['127.0.0.1', 'localhost', '[::1]']);
  return Object.fromEntries(urls.flatMap(([name, url]) => {
    if (!url) return [];
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? 443 : 80));
    return local.has(u.hostname) ? [[name, port]] : [];
  }));
}

/** One line a second: where the run is, the rate, and per leg its backlog and p99. */
export function progressLine(s: LoadSample): string {
  const legs = LEGS.map((leg) => {
    const l = s.legs[leg];
    return `${leg} ${Math.round(l.durable / s.seconds)}/s backlog ${l.backlog} p99 ${l.freshness ? `${l.freshness.p99.toFixed(2)} s` : '–'}`;
  });
  return `${s.t.toFixed(0).padStart(4)} s ${s.phase.padEnd(7)} target ${s.targetRate}/s published ${Math.round(s.published / s.seconds)}/s | ${legs.join(' | ')}`;
}
