import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/adapters/config/config.ts';
import { DEFAULT_MODEL_DIR, missingMiniLmFiles } from '../src/adapters/embedding/minilm-model-files.ts';
import { cpuLine } from '../src/adapters/load/headline-lines.ts';
import { loadAndReport } from '../src/adapters/load/load-and-report.ts';
import { DEFAULT_LOAD_MIX } from '../src/adapters/load/load-mix.ts';
import { runIdPrefix, stepRates, type LoadSettings } from '../src/adapters/load/load-settings.ts';
import type { LoadReport } from '../src/adapters/load/report/load-report.ts';
import { findRealStack } from './e2e-servers.ts';
import { machine, printFigures, type Figure } from './report.ts';

/**
 * `npm run bench:e2e`: the load test in its fixed form (docs/adr/0013). Step runs find the
 * highest rate each pipeline holds; the embedded pipeline, measured in the same run, is the
 * baseline. On the real stack: the hashing embedder, then MiniLM when its model is prepared.
 * About three to four minutes in all; each run writes its HTML and JSON report under reports/.
 */
const STEP = { warmupMs: 3_000, durationMs: 7_000 };
const plan = (steps: string): LoadSettings => ({
  steps: stepRates(steps).map((rate) => ({ rate, ...STEP })), stopAtFirstFailure: true,
  entities: 20_000, seed: 42, mix: DEFAULT_LOAD_MIX, idPrefix: runIdPrefix(), sliceMs: 10, drainTimeoutMs: 20_000,
});

async function measure(
  title: string, flags: Record<string, unknown>, steps: string, knownVersions?: Record<string, string>,
): Promise<LoadReport> {
  process.stderr.write(`${title}: steps ${steps} events/s …\n`);
  const config = loadConfig({ logLevel: 'error', stateDir: await mkdtemp(join(tmpdir(), 'refract-bench-e2e-')), ...flags });
  const { report, paths } = await loadAndReport(config, plan(steps), { reportDir: 'reports', title, ...(knownVersions ? { knownVersions } : {}) });
  process.stdout.write(`  report: ${paths.html}\n`);
  return report;
}

/**
 * A freshly started JVM compiles its hot paths while it works: JanusGraph, fresh from a start,
 * applied 0–100 events/s for its first minutes where a warm one applies 200 (docs/adr/0014).
 * Thirty unmeasured seconds of load first, so the steps measure the servers, not their JIT.
 */
async function warmUp(flags: Record<string, unknown>): Promise<void> {
  const seconds = 30;
  process.stderr.write(`warming the servers up: ${seconds} s at 150 events/s, not measured …\n`);
  const config = loadConfig({ logLevel: 'error', stateDir: await mkdtemp(join(tmpdir(), 'refract-bench-e2e-')), ...flags });
  await loadAndReport(config, { ...plan('150:150:150'), steps: [{ rate: 150, warmupMs: seconds * 1000, durationMs: 1000 }], drainTimeoutMs: 60_000 }, { reportDir: await mkdtemp(join(tmpdir(), 'refract-warmup-')), title: 'warm-up' });
}

const p99 = (r: LoadReport, leg: 'graph' | 'vector') => r.headline.freshness[leg]?.p99;

/** Figures of one run; a baseline only where it was measured (a zero or missing one would print as NaN). */
function figures(r: LoadReport, baseline: LoadReport | undefined, targets: { rate?: string; p99?: string }): [Figure[], string[]] {
  const held = r.headline.highestHeldRate ?? 0;
  const baseRate = baseline?.headline.highestHeldRate ?? 0;
  const notes: string[] = [];
  const out: Figure[] = [
    { name: 'highest rate held, both legs', value: held, unit: 'events/s', ...(baseRate ? { baseline: baseRate, baselineName: 'embedded pipeline' } : {}), ...(targets.rate ? { target: targets.rate } : {}) },
  ];
  for (const leg of ['graph', 'vector'] as const) {
    const value = p99(r, leg);
    const base = baseline ? p99(baseline, leg) : undefined;
    if (value === undefined) {
      notes.push(`  ${leg} leg freshness: not measured, no write of the step's events was durable before the run ended`);
      continue;
    }
    out.push({
      name: `${leg} leg freshness p99 at that rate`, value, unit: 's', lowerIsBetter: true,
      ...(base ? { baseline: base, baselineName: baseline?.title.split(',')[0] ?? 'baseline' } : {}), ...(targets.p99 ? { target: targets.p99 } : {}),
    });
  }
  const best = r.steps.find((s) => s.rate === r.headline.highestHeldRate) ?? r.steps[r.steps.length - 1];
  if (best?.cpu) notes.push(`  CPU at ${best.rate} events/s: ${cpuLine(best.cpu)}`);
  return [out, notes];
}

function print(section: string, [figs, notes]: [Figure[], string[]]): void {
  printFigures(section, figs);
  for (const note of notes) process.stdout.write(`${note}\n`);
}

process.stdout.write(`Refract end-to-end load benchmark on ${machine()}\n`);
const embedded = await measure('Embedded pipeline (memory adapters, hashing embedder)', {}, '2000:14000:4000');
print('Embedded pipeline, open-loop load (memory adapters, hashing embedder)', figures(embedded, undefined, {}));

const stack = await findRealStack();
if ('missing' in stack) {
  process.stdout.write(`\nReal stack\n  not measured: not answering: ${stack.missing.join('; ')}; start them with npm run services:up\n`);
} else {
  const servers = { eventLog: 'pulsar', graph: 'janusgraph', vectors: 'opensearch', pulsarUrl: stack.pulsarUrl, janusgraphUrl: stack.janusgraphUrl, opensearchUrl: stack.opensearchUrl, pulsarTenant: 'load' };
  const versions = Object.entries(stack.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  await warmUp({ ...servers, embedder: 'hashing', pulsarNamespace: `bench-warmup-${Date.now()}` });
  const hashing = await measure('Real stack, hashing embedder', { ...servers, embedder: 'hashing', pulsarNamespace: `bench-${Date.now()}` }, '500:3000:500', stack.versions);
  print(`Real stack, hashing embedder (${versions})`, figures(hashing, embedded, { rate: '≥ 2,000 events/s' }));
  if ((await missingMiniLmFiles(DEFAULT_MODEL_DIR, false)).length) {
    process.stdout.write(`\nReal stack, MiniLM\n  not measured: the model is not in ${DEFAULT_MODEL_DIR}; run npm run model:prepare\n`);
  } else {
    const minilm = await measure('Real stack, MiniLM embedder', { ...servers, embedder: 'minilm', pulsarNamespace: `bench-${Date.now()}` }, '250:1500:250', stack.versions);
    print(`Real stack, MiniLM embedder (${versions})`, figures(minilm, hashing, { rate: '≥ 1,000 events/s', p99: '≤ 2 s' }));
  }
}
