import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceContext } from '../scripts/services/context.ts';
import { SERVICES } from '../scripts/services/registry.ts';
import { startService, stopService } from '../scripts/services/run-service.ts';
import { clientSettings, ensureSecureMaterial, secureUrls, type SecureMaterial } from '../scripts/services/secure.ts';
import type { ServiceName } from '../scripts/services/service.ts';
import { machine, printFigures } from './report.ts';

/**
 * `npm run bench:secure [rounds] [entities]`: what TLS and authentication cost end to end
 * (docs/adr/0022). The same demo pipeline (publish banking events, run both legs until both
 * read models hold them, hashing embedder) runs against a plain stack and a secured one,
 * alternately, after one unmeasured warm-up run on each (a fresh JanusGraph is slow while its
 * JIT compiles). Each stack is the launcher's, in .services/bench/<plain|secure>/ on ports of
 * its own; what the bench starts it stops. Measure with nothing else running.
 */
const REPO = fileURLToPath(new URL('../', import.meta.url));
const ROOT = join(REPO, '.services', 'bench');
const rounds = Number(process.argv[2] ?? 4);
const entities = Number(process.argv[3] ?? 2000);

type Ports = Record<ServiceName, Record<string, number>>;
const portsFrom = (base: number): Ports => ({
  pulsar: { web: base + 8080, broker: base + 6650, bookie: base + 3181 },
  janusgraph: { gremlin: base + 8182 },
  opensearch: { http: base + 9200, transport: base + 9300 },
});
const STACKS = {
  plain: { root: join(ROOT, 'plain'), ports: portsFrom(30_000) },
  secure: { root: join(ROOT, 'secure'), ports: portsFrom(40_000) },
} as const;
type StackName = keyof typeof STACKS;

async function main(): Promise<void> {
  process.stdout.write(`Refract TLS and authentication benchmark on ${machine()}\n`);
  process.stdout.write(`${rounds} rounds of the demo pipeline with ${entities} entities on each stack, alternating, after one warm-up run each\n`);
  const stops: (() => Promise<unknown>)[] = [];
  const work = mkdtempSync(join(tmpdir(), 'refract-bench-secure-'));
  try {
    const material = await ensureSecureMaterial(STACKS.secure.root, say);
    for (const name of ['plain', 'secure'] as const) await startStack(name, stops);
    const env = { plain: plainEnv(), secure: secureEnv(material) };
    const rates: Record<StackName, number[]> = { plain: [], secure: [] };
    for (let round = 0; round <= rounds; round++) {
      for (const name of ['plain', 'secure'] as const) {
        const rate = await demo(env[name], `${name}-${round}`, work);
        say(`${round === 0 ? 'warm-up' : `round ${round}`} ${name.padEnd(6)} ${rate.toFixed(0)} events/s`);
        if (round > 0) rates[name].push(rate);
      }
    }
    printFigures('End to end through both legs, hashing embedder (median of the rounds)', [
      { name: 'secured: TLS + token + passwords', value: median(rates.secure), unit: 'events/s', baseline: median(rates.plain), baselineName: 'plain servers' },
    ]);
    process.stdout.write(`  rounds: plain ${rates.plain.map((r) => r.toFixed(0)).join(', ')}; secured ${rates.secure.map((r) => r.toFixed(0)).join(', ')}\n`);
  } finally {
    if (process.env.REFRACT_KEEP_SERVICES !== '1') for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function startStack(name: StackName, stops: (() => Promise<unknown>)[]): Promise<void> {
  for (const def of SERVICES) {
    const ctx = serviceContext(def, { root: STACKS[name].root, ports: STACKS[name].ports[def.name], log: (m) => say(`${name} ${def.name}: ${m}`) });
    const result = await startService(def, ctx);
    if (result.started) stops.push(() => stopService(def, ctx));
  }
}

function plainEnv(): Record<string, string> {
  const p = STACKS.plain.ports;
  return {
    REFRACT_PULSAR_URL: `http://127.0.0.1:${p.pulsar.web}`,
    REFRACT_JANUSGRAPH_URL: `ws://127.0.0.1:${p.janusgraph.gremlin}/gremlin`,
    REFRACT_OPENSEARCH_URL: `http://127.0.0.1:${p.opensearch.http}`,
  };
}

function secureEnv(m: SecureMaterial): Record<string, string> {
  return clientSettings(m, secureUrls(STACKS.secure.ports));
}

/** One `refract demo` on a stack, in a namespace and index prefix of its own; its events/s through both legs. */
function demo(stackEnv: Record<string, string>, run: string, work: string): Promise<number> {
  const env = {
    ...process.env, ...stackEnv, REFRACT_PULSAR_NAMESPACE: `bench-${run}`, REFRACT_INDEX_PREFIX: `bench-${run}-`,
    REFRACT_STATE_DIR: join(work, run), REFRACT_METRICS_PORT: '0',
  };
  const args = ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', 'demo',
    '--event-log', 'pulsar', '--graph', 'janusgraph', '--vectors', 'opensearch', '--embedder', 'hashing', '--entities', String(entities)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const rate = /published\s+\d+ messages in [\d.]+ s: (\d+) events\/s/.exec(stdout)?.[1];
      if (error || !rate) reject(new Error(`the demo on ${run} failed: ${error?.message ?? 'no rate in its output'}\n${stderr.slice(-2000)}`));
      else resolve(Number(rate));
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

await main();
