import type { Command } from 'commander';
import { loadApp } from '../../config/load-app.ts';
import { loadConfig } from '../../config/config.ts';
import { createEmbedder, createEventLog, createGraphStore, createLogger, createVectorStore } from '../../container/adapter-factories.ts';
import {
  DIVERGENCE_CATEGORIES, reconcile, repairDivergence,
  type DivergenceCategory, type ReconcileProgress, type ReconcileReport, type RepairOutcome,
} from '../../../runtime/index.ts';
import { parseDuration } from './graph.ts';
import { adapterFlags, configFlags } from './shared-flags.ts';

const MEANING: Readonly<Record<DivergenceCategory, string>> = {
  missing: 'live on the log, absent from the store (or only a placeholder)',
  behind: 'the store holds an older version than the log',
  ahead: 'the store holds a newer version than any on the log (rebuild)',
  resurrected: 'deleted on the log, live in the store',
  tombstoneMissing: 'deleted on the log, no tombstone in the store',
  notOnLog: 'in the store, written by no event on the log (rebuild or remove by hand)',
  orphanPlaceholder: 'a placeholder nothing points at (housekeeping: refract graph purge)',
};

/** A progress line on stderr at most once a second, so a quick reconcile prints none. */
function progressLines(): (p: ReconcileProgress) => void {
  let last = Date.now();
  return (p) => {
    const now = Date.now();
    if (now - last < 1_000) return;
    last = now;
    const line = p.phase === 'log' ? `log: ${p.messages} messages read, ${p.entities} entities`
      : p.phase === 'scan' ? `${p.store}: ${p.scanned} entries scanned`
        : p.phase === 'settle' ? `re-checking ${p.candidates} candidates (attempt ${p.attempt} of ${p.attempts})`
          : `repair: ${p.republished} of ${p.entities} re-published`;
    process.stderr.write(`reconcile: ${line}\n`);
  };
}

/** The report as lines for a terminal. */
export function reconcileScreen(report: ReconcileReport): string[] {
  const lines = [
    `log: ${report.logMessages} messages, ${report.logEntities} entities; ` +
      `${report.deadLetters.undecodable} undecodable and ${report.deadLetters.projectionFailed} a projection failed on (dead letters, expected nowhere)`,
  ];
  for (const leg of report.legs) {
    const found = DIVERGENCE_CATEGORIES.filter((c) => leg.counts[c] > 0);
    lines.push('', `${leg.leg === 'graph' ? 'graph' : `vector index ${leg.store}`}: ${leg.scanned} scanned, ${leg.expected} expected from the log` +
      (found.length ? '' : ', in step'));
    for (const category of found) {
      lines.push(`  ${category.padEnd(17)} ${String(leg.counts[category]).padStart(7)}  ${MEANING[category]}`);
      for (const s of leg.samples[category]) {
        const log = s.log ? `log v${s.log.version}${s.log.deleted ? ' deleted' : ''}` : 'not on the log';
        const store = s.store ? `store v${s.store.version}${s.store.deleted ? ' deleted' : ''}` : 'not in the store';
        lines.push(`      ${JSON.stringify(s.id)}${s.entity && s.entity !== s.id ? ` (entity ${s.entity})` : ''}: ${log}, ${store}`);
      }
    }
  }
  lines.push('', report.divergent ? 'DIVERGENT: the read models differ from the log' : 'OK: both read models match the log');
  return lines;
}

export function repairScreen(outcome: RepairOutcome): string[] {
  return [
    `repair: re-published the newest message of ${outcome.republished} entities; the legs apply them under their version guards` +
      (outcome.notFound ? ` (${outcome.notFound} entities no longer on the log)` : ''),
    ...outcome.notRepairable.map((n) => `  not repaired: ${n.count} ${n.category} in ${n.store}: ${n.fix}`),
    'run refract reconcile again once the legs have caught up',
  ];
}

/**
 * `refract reconcile`: the graph and every vector index compared, key by key, with the newest
 * version on the log; exit code 1 on divergence. `--repair` re-drives what is short of the log.
 */
export function registerReconcileCommand(program: Command): void {
  adapterFlags(program.command('reconcile').description('compare both read models with the log, entity by entity; exit 1 on divergence'))
    .option('--json', 'the report as one JSON object')
    .option('--samples <n>', 'samples per store and category', '10')
    .option('--page-size <n>', 'messages, store entries and ids per request', '500')
    .option('--settle <attempts>', 're-checks of a candidate divergence before it is reported (events in flight)', '5')
    .option('--settle-delay <ms>', 'wait before each re-check', '1000')
    .option('--purged-older-than <duration>', 'graph purge ran with this age (30m, 12h, 7d): older tombstones may be gone')
    .option('--only <store>', 'graph | vectors: check one read model only')
    .option('--repair', 're-publish the newest message of every entity short of the log, for the legs to apply')
    .action(async (flags: Record<string, unknown>) => {
      const config = loadConfig(configFlags(flags));
      const logger = createLogger(config);
      const app = await loadApp(config);
      const only = flags['only'];
      const log = await createEventLog(config, logger, { producerName: 'refract-reconcile' });
      const graph = only === 'vectors' ? undefined : await createGraphStore(config);
      const vectors = only === 'graph' ? undefined : await createVectorStore(config, await createEmbedder(config));
      try {
        const purged = typeof flags['purgedOlderThan'] === 'string' ? parseDuration(flags['purgedOlderThan'], 'purged-older-than') : undefined;
        const options = {
          log, app, ...(graph ? { graph } : {}), ...(vectors ? { vectors } : {}), onProgress: progressLines(),
          samples: Number(flags['samples']), pageSize: Number(flags['pageSize']),
          settle: { attempts: Number(flags['settle']), delayMs: Number(flags['settleDelay']) },
          ...(purged === undefined ? {} : { purgedBefore: Date.now() - purged }),
        };
        const report = await reconcile(options);
        const repair = flags['repair'] && report.divergent ? await repairDivergence(options, report) : undefined;
        if (flags['json']) {
          process.stdout.write(`${JSON.stringify({ ...report, ...(repair ? { repair } : {}) }, null, 2)}\n`);
        } else {
          process.stdout.write(`${[...reconcileScreen(report), ...(repair ? ['', ...repairScreen(repair)] : [])].join('\n')}\n`);
        }
        process.exitCode = report.divergent ? 1 : 0;
      } finally {
        await Promise.allSettled([log.close(), graph?.close(), vectors?.close()]);
      }
    });
}
