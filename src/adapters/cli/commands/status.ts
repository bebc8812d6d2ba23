import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { gatherStatus, type StatusReport } from '../../ops/status.ts';
import { adapterFlags, configFlags, opsFlags } from './shared-flags.ts';

/**
 * `refract status`: each server's health, each leg's backlog, rate, runners and dead letters
 * (from the log), and the runner's readiness (its /readyz). Exit code 0 when everything answers
 * and the runner is ready, 1 otherwise, so a script can use it as a check.
 */
export function registerStatusCommand(program: Command): void {
  opsFlags(adapterFlags(program.command('status').description('one screen: servers, each leg\'s backlog, rate, dead letters and progress, the runner\'s readiness')))
    .option('--runner <url>', 'where a runner serves /readyz (default http://<metrics host>:<metrics port>)')
    .option('--json', 'the same as one JSON object')
    .action(async (flags: Record<string, unknown>) => {
      const config = loadConfig(configFlags(flags));
      const runner = typeof flags['runner'] === 'string' ? flags['runner'] : `http://${config.metricsHost}:${config.metricsPort}`;
      const report = await gatherStatus(config, runner);
      process.stdout.write(flags['json'] ? `${JSON.stringify(report, null, 2)}\n` : `${statusScreen(report).join('\n')}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
}

const n = (v: number | null, digits = 0) => (v === null ? '?' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** The report as lines for a terminal. */
export function statusScreen(r: StatusReport): string[] {
  const ready = new Map(r.runner.readiness?.legs.map((l) => [l.leg, l]) ?? []);
  const rows = r.legs.map((l) => {
    const view = ready.get(l.leg);
    const progress = view?.lastProgressAgoSeconds == null ? '?' : `${view.lastProgressAgoSeconds} s ago`;
    const state = view ? (view.ready ? view.state : `NOT READY: ${view.reason ?? view.state}`) : '?';
    return [l.leg, n(l.backlog), n(l.rate, 1), n(l.consumers), n(l.deadLetters), progress, state];
  });
  return [
    `Refract status at ${r.at}: ${r.ok ? 'OK' : 'NOT OK'}`,
    `  log: ${r.adapters.eventLog} (${r.where}), graph: ${r.adapters.graph}, vectors: ${r.adapters.vectors}`,
    '',
    'servers',
    ...(r.servers.length ? r.servers.map((s) => `  ${s.name.padEnd(11)} ${(s.up ? 'up' : 'DOWN').padEnd(5)} ${s.origin}  ${s.detail}`) : ['  none: embedded adapters']),
    '',
    'legs',
    ...table([['leg', 'backlog', 'rate/s', 'runners', 'dead letters', 'last progress', 'state'], ...rows]),
    '',
    'projections',
    ...table([['projection', 'leg', 'version', 'read model'], ...r.projections.map((p) => [
      p.projection, p.leg, String(p.version), projectionState(p),
    ])]),
    '',
    r.runner.answering
      ? `runner at ${r.runner.url}: ${r.runner.readiness?.ready ? 'ready' : 'NOT READY'}`
      : `runner at ${r.runner.url}: not answering (${r.runner.error ?? 'no answer'}); is refract run started, and on that metrics port?`,
  ];
}

function projectionState(p: StatusReport['projections'][number]): string {
  if (p.state === null) return `? (${p.detail ?? 'unknown'})`;
  if (p.state === 'needs rebuild') {
    const was = p.builtVersion !== undefined && p.builtVersion !== p.version ? `built with version ${p.builtVersion}` : 'its definition changed';
    return `NEEDS REBUILD (${was}): refract rebuild ${p.projection} --leg ${p.leg}`;
  }
  return p.state;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`);
}
