import { LEGS } from './leg-tap.ts';
import type { CpuShare } from './cpu-probe.ts';
import { describeMachine } from './machine-info.ts';
import type { LoadReport } from './report/load-report.ts';

const f = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(3)} s`);

/** The headline of a report as plain lines, for a terminal. */
export function headlineLines(report: LoadReport): string[] {
  const h = report.headline;
  const a = report.adapters;
  const lines = [
    `${report.title} on ${describeMachine(report.machine)}`,
    `  adapters: log ${a.eventLog}, graph ${a.graph}, vectors ${a.vectors}, embedder ${a.embedderModel}`,
    report.mode === 'step'
      ? `  highest rate that held: ${h.highestHeldRate ?? 'none'} events/s (steps: ${report.steps.map((s) => `${s.rate} ${s.holds ? 'held' : 'not held'}`).join(', ')})`
      : `  rate ${report.settings.steps[0]?.rate ?? 0} events/s: ${h.highestHeldRate === null ? 'not held' : 'held'}; published ${Math.round(h.publishedRate)} msg/s`,
    ...LEGS.map((leg) => {
      const p = h.freshness[leg];
      return `  ${leg.padEnd(6)} durable ${Math.round(h.durableRate[leg])} msg/s, max backlog ${h.maxBacklog[leg]}, freshness p50 ${f(p?.p50)} p95 ${f(p?.p95)} p99 ${f(p?.p99)}`;
    }),
  ];
  const best = report.steps.find((s) => s.rate === h.highestHeldRate) ?? report.steps[report.steps.length - 1];
  if (best?.cpu) lines.push(`  CPU at ${best.rate} events/s: ${cpuLine(best.cpu)}`);
  const notHeld = report.steps.filter((s) => !s.holds);
  for (const s of notHeld) lines.push(`  ${s.rate} events/s did not hold: ${s.reasons.join('; ')}`);
  if (report.error) lines.push(`  ended early: ${report.error}`);
  if (!report.drained) lines.push('  the legs had not worked off their backlog at the end');
  return lines;
}

/** `refract 0.42, pulsar 0.31, … of 2 cores (machine busy 1.85)`: average cores per process. */
export function cpuLine(cpu: CpuShare): string {
  const cores = (n: number | null) => (n === null ? '?' : n.toFixed(2));
  const named = Object.entries(cpu.processes).map(([name, n]) => `${name} ${cores(n)}`).join(', ');
  return `${named} cores; machine busy ${cores(cpu.machineBusyCores)} of ${cpu.machineCores}`;
}
