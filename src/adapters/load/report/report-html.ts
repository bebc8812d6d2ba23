import { LEGS } from '../leg-tap.ts';
import type { Percentiles } from '../percentiles.ts';
import { describeMachine } from '../machine-info.ts';
import { reportCharts } from './charts.ts';
import type { LoadReport } from './load-report.ts';
import { renderSvg } from './render-svg.ts';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (n: number) => Math.round(n).toLocaleString('en');
const sec = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? `${n.toFixed(3)} s` : `${n.toFixed(1)} s`);
const pct = (p: Percentiles | null) => (p ? `${sec(p.p50)} / ${sec(p.p95)} / ${sec(p.p99)}` : 'no writes');

/**
 * One self-contained page: headline figures first, then the charts as inline SVG, then the
 * steps, the mix, the settings and the machine. No script, no stylesheet or font from
 * elsewhere: it opens the same offline, attached to a mail, years later.
 */
export async function reportHtml(report: LoadReport): Promise<string> {
  const h = report.headline;
  const held = report.mode === 'step'
    ? card('highest rate that held', h.highestHeldRate === null ? 'none' : `${num(h.highestHeldRate)} events/s`)
    : card(`rate ${num(report.settings.steps[0]?.rate ?? 0)} events/s`, h.highestHeldRate === null ? 'not held' : 'held');
  const cards = [
    held,
    card('published (mean, measured seconds)', `${num(h.publishedRate)} msg/s`),
    ...LEGS.map((leg) => card(`${leg} leg durable`, `${num(h.durableRate[leg])} msg/s`)),
    ...LEGS.map((leg) => card(`${leg} freshness p50 / p95 / p99`, pct(h.freshness[leg]))),
    ...LEGS.map((leg) => card(`${leg} max backlog`, num(h.maxBacklog[leg]))),
  ];
  const charts = await Promise.all(reportCharts(report).map(async (c) => `<section><h2>${esc(c.title)}</h2>${await renderSvg(c.spec)}</section>`));
  const a = report.adapters;
  const t = report.tally;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(report.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:820px;color:#222}
h1{font-size:1.4em;margin-bottom:.2em}.sub{color:#666;margin-top:0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.6em}
.card{border:1px solid #ddd;border-radius:6px;padding:.5em .7em}.card b{display:block;font-size:1.25em}.card span{color:#666;font-size:.85em}
h2{font-size:1.05em;margin:1.6em 0 .4em}table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left}
.bad{color:#b00}
</style></head><body>
<h1>${esc(report.title)}</h1>
<p class="sub">${esc(report.createdAt)} · ${esc(describeMachine(report.machine))}</p>
${report.error ? `<p class="bad">The run ended early: ${esc(report.error)}</p>` : ''}
${report.drained ? '' : '<p class="bad">The legs had not worked off their backlog when the run ended.</p>'}
<div class="cards">${cards.join('')}</div>
${charts.join('\n')}
${report.mode === 'step' ? stepsTable(report) : ''}
${cpuTable(report)}
<h2>Mix published</h2>
<table><tr><th>events</th><td>${num(t.events)}</td></tr><tr><th>creates (no new text)</th><td>${num(t.creates)}</td></tr>
<tr><th>new text</th><td>${num(t.textChanges)} (${((100 * t.textChanges) / Math.max(1, t.events)).toFixed(1)}%)</td></tr>
<tr><th>metadata-only updates</th><td>${num(t.metadataUpdates)}</td></tr><tr><th>deletes</th><td>${num(t.deletes)}</td></tr>
<tr><th>published twice</th><td>${num(t.duplicates)}</td></tr></table>
<h2>Settings</h2>
<table>
<tr><th>adapters</th><td>event log ${esc(a.eventLog)}, graph ${esc(a.graph)}, vectors ${esc(a.vectors)}, embedder ${esc(a.embedder)} (${esc(a.embedderModel)}), batches of ${a.batchSize}</td></tr>
<tr><th>servers</th><td>${esc(Object.entries(report.servers).map(([k, v]) => `${k} ${v}`).join(', ') || 'none (embedded)')}</td></tr>
<tr><th>steps</th><td>${esc(report.settings.steps.map((s) => `${s.rate}/s for ${s.durationMs / 1000} s after ${s.warmupMs / 1000} s warm-up`).join('; '))}</td></tr>
<tr><th>entities, seed, id prefix</th><td>${num(report.settings.entities)}, ${report.settings.seed}, ${esc(report.settings.idPrefix)}</td></tr>
<tr><th>mix asked</th><td>new text ${report.settings.mix.textChangeShare}, deletes ${report.settings.mix.deleteShare}, duplicates ${report.settings.mix.duplicateShare}</td></tr>
<tr><th>machine</th><td>${esc(describeMachine(report.machine))}</td></tr>
</table>
<p class="sub">Every per-second sample is in the JSON file next to this page.</p>
</body></html>
`;
}

const card = (label: string, value: string) => `<div class="card"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;

function stepsTable(report: LoadReport): string {
  const rows = report.steps.map((s) => `<tr><td>${num(s.rate)}</td><td>${s.holds ? 'held' : '<span class="bad">not held</span>'}</td>` +
    `<td>${num(s.publishedRate)}</td><td>${num(s.endBacklog)}</td><td>${num(s.backlogGrowth)}</td>` +
    `${LEGS.map((leg) => `<td>${sec(s.freshness[leg]?.p99)}</td>`).join('')}<td>${esc(s.reasons.join('; '))}</td></tr>`);
  return `<h2>Steps</h2><table><tr><th>rate</th><th>verdict</th><th>published/s</th><th>end backlog</th><th>growth/s</th>` +
    `${LEGS.map((leg) => `<th>${leg} p99</th>`).join('')}<th>why</th></tr>${rows.join('')}</table>`;
}

/** Average cores per process in each step's measured seconds: which process took the machine. */
function cpuTable(report: LoadReport): string {
  const measured = report.steps.filter((s) => s.cpu);
  const first = measured[0]?.cpu;
  if (!first) return '';
  const names = Object.keys(first.processes);
  const cores = (n: number | null | undefined) => (n == null ? '?' : n.toFixed(2));
  const rows = measured.map((s) => `<tr><td>${num(s.rate)}</td>${names.map((n) => `<td>${cores(s.cpu?.processes[n])}</td>`).join('')}` +
    `<td>${cores(s.cpu?.machineBusyCores)} of ${s.cpu?.machineCores ?? '?'}</td></tr>`);
  return `<h2>Where the CPU went (average cores in use while measuring)</h2><table><tr><th>rate</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}` +
    `<th>machine busy</th></tr>${rows.join('')}</table><p class="sub">refract is this process: both legs, the embedder and the load generator.</p>`;
}
