import type { Command } from 'commander';
import { RefractError } from '../../../domain/index.ts';
import { loadConfig } from '../../config/config.ts';
import { headlineLines } from '../../load/headline-lines.ts';
import { DEFAULT_LOAD_MIX } from '../../load/load-mix.ts';
import { runIdPrefix, stepRates, type LoadSettings } from '../../load/load-settings.ts';
import { adapterFlags, configFlags, opsFlags } from './shared-flags.ts';

interface LoadFlags {
  rate: string; duration: string; warmup: string; entities: string; seed: string; report: string;
  textChangeShare: string; deleteShare: string; duplicateShare: string;
  step?: string; stepDuration: string; drainTimeout: string; sliceMs: string; quiet?: boolean;
}

/** `refract load`: an open-loop generator at a target rate against both legs, with a JSON + HTML report (docs/adr/0013). */
export function registerLoadCommand(program: Command): void {
  const command = program
    .command('load')
    .description('publish banking events at a fixed rate (open loop) while both legs run; measure rate, backlog and freshness each second; write a JSON and HTML report')
    .option('--rate <n>', 'events per second', '1000')
    .option('--duration <s>', 'measured seconds (after the warm-up)', '30')
    .option('--warmup <s>', 'seconds at the rate before measuring (each step has its own)', '2')
    .option('--entities <n>', 'distinct entities the events are spread over', '10000')
    .option('--text-change-share <share>', 'share of events that carry a new text to embed', String(DEFAULT_LOAD_MIX.textChangeShare))
    .option('--delete-share <share>', 'share of events that delete an entity', String(DEFAULT_LOAD_MIX.deleteShare))
    .option('--duplicate-share <share>', 'share of events published twice (a producer retry)', String(DEFAULT_LOAD_MIX.duplicateShare))
    .option('--seed <n>', 'seed of the generated events', '42')
    .option('--step <from:to:by>', 'step mode: raise the rate step by step and report the highest that held')
    .option('--step-duration <s>', 'measured seconds per step in step mode', '10')
    .option('--drain-timeout <s>', 'after the last step, how long to wait for the legs to catch up', '30')
    .option('--slice-ms <ms>', 'how often the generator publishes what has fallen due', '10')
    .option('--report <dir>', 'where to write the report', 'reports')
    .option('--quiet', 'no per-second progress on stderr');
  opsFlags(adapterFlags(command)).action(async (flags: LoadFlags & Record<string, unknown>) => {
    // The per-second lines are the progress; the legs' own log shows warnings and errors only unless asked.
    const config = loadConfig({ logLevel: process.env['REFRACT_LOG_LEVEL'] ?? 'warn', ...configFlags(flags) });
    const settings = loadSettings(flags);
    const say = (line: string) => process.stderr.write(`${line}\n`);
    // Loaded here, not at start-up: the charting libraries are for this command only.
    const { loadAndReport } = await import('../../load/load-and-report.ts');
    const { report, paths } = await loadAndReport(config, settings, {
      reportDir: flags.report, title: settings.steps.length > 1 ? 'Refract load test, step mode' : 'Refract load test', serveMetrics: true, ...(flags.quiet ? {} : { say }),
    });
    for (const line of headlineLines(report)) process.stdout.write(`${line}\n`);
    process.stdout.write(`report: ${paths.html}\n        ${paths.json}\n`);
    if (report.error) process.exitCode = 1;
  });
}

function loadSettings(flags: LoadFlags): LoadSettings {
  const warmupMs = number('warmup', flags.warmup, 0) * 1000;
  const steps = flags.step
    ? stepRates(flags.step).map((rate) => ({ rate, warmupMs, durationMs: number('step-duration', flags.stepDuration, 1) * 1000 }))
    : [{ rate: number('rate', flags.rate, 1), warmupMs, durationMs: number('duration', flags.duration, 1) * 1000 }];
  return {
    steps, stopAtFirstFailure: true,
    entities: number('entities', flags.entities, 10), seed: number('seed', flags.seed, 0),
    mix: { textChangeShare: share('text-change-share', flags.textChangeShare), deleteShare: share('delete-share', flags.deleteShare), duplicateShare: share('duplicate-share', flags.duplicateShare) },
    idPrefix: runIdPrefix(), sliceMs: number('slice-ms', flags.sliceMs, 1), drainTimeoutMs: number('drain-timeout', flags.drainTimeout, 0) * 1000,
  };
}

function number(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new RefractError('CONFIG.INVALID', `flag --${flag} must be a number ≥ ${min} (got ${JSON.stringify(value)})`, { field: flag, value });
  return n;
}

function share(flag: string, value: string): number {
  const n = number(flag, value, 0);
  if (n > 1) throw new RefractError('CONFIG.INVALID', `flag --${flag} must be a share between 0 and 1 (got ${JSON.stringify(value)})`, { field: flag, value });
  return n;
}
