import type { Command } from 'commander';
import { RefractError } from '../../../domain/index.ts';
import type { App } from '../../../projections/app.ts';
import type { Target } from '../../../projections/projection.ts';
import {
  rebuild, reconcile, type RebuildProgress, type RebuildResult, type ReconcileReport, type RebuiltStores, type Verdict,
} from '../../../runtime/index.ts';
import { loadConfig } from '../../config/config.ts';
import { createBuildRecords, createVectorGenerations } from '../../container/adapter-factories.ts';
import { buildContainer, resolvePipeline } from '../../container/container.ts';
import { prepareServers } from '../../container/prepare-servers.ts';
import { TOKENS } from '../../container/tokens.ts';
import { createMemoryDeadLetters } from '../../memory/memory-dead-letters.ts';
import { createMemoryInFlightJournal, emptyJournalState } from '../../memory/memory-inflight-journal.ts';
import { adapterFlags, configFlags } from './shared-flags.ts';

const LEGS: readonly Target[] = ['graph', 'vector'];

/**
 * `refract rebuild <leg|projection>`: rebuilds from the log while the live generation keeps
 * serving (docs/adr/0018). Progress with an ETA on stderr; the summary on stdout; exit 1 when
 * the new generation did not verify equal to the log (then nothing was switched).
 */
export function registerRebuildCommand(program: Command): void {
  adapterFlags(program.command('rebuild')
    .description('rebuild a leg, or one projection, from the log beside the live read model; switch once it equals the log')
    .argument('<target>', 'graph | vector | a projection name (then both of its legs, or --leg)'))
    .option('--leg <leg>', 'only this leg of the projection: graph | vector')
    .option('--drop-old', 'delete the old vector generations after the switch (default: kept for a rollback)')
    .option('--json', 'the result as one JSON object per leg')
    .action(async (target: string, flags: Record<string, unknown>) => {
      const config = loadConfig(configFlags(flags));
      const container = buildContainer(config);
      const app = await container.getAsync(TOKENS.App);
      const plan = rebuildPlan(app, target, flags['leg']);
      if (config.eventLog === 'memory') {
        throw new RefractError('CONFIG.INVALID', 'a rebuild reads the log from its start: it needs a log that outlives the process (event log: pulsar)', { field: 'eventLog', value: config.eventLog });
      }
      for (const line of await prepareServers(config, app)) process.stderr.write(`${line}\n`);
      const p = await resolvePipeline(container);
      const logger = p.logger.child({ command: 'rebuild' });
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      const generations = plan.some((s) => s.leg === 'vector') ? await createVectorGenerations(config, p.embedder) : undefined;
      const results: RebuildResult[] = [];
      try {
        for (const step of plan) {
          const verify = async (stores: RebuiltStores, names: readonly string[]): Promise<Verdict> => {
            const report = await reconcile({
              log: p.log, app: step.leg === 'vector' ? vectorView(app, names) : app, logger,
              ...(stores.graph ? { graph: stores.graph } : {}), ...(stores.vectors ? { vectors: stores.vectors } : {}),
              onProgress: (r) => { if (r.phase !== 'log') process.stderr.write(`  verifying: ${JSON.stringify(r)}\n`); },
            });
            return { equal: !report.divergent, summary: verdictSummary(report) };
          };
          process.stderr.write(`rebuilding the ${step.leg} leg${step.projections ? ` of ${step.projections.join(', ')}` : ''} from the log\n`);
          const result = await rebuild({
            app, log: p.log, buildRecords: await createBuildRecords(config), deadLetters: createMemoryDeadLetters(),
            metrics: p.metrics, clock: p.clock, logger, journal: createMemoryInFlightJournal({ state: emptyJournalState() }),
            graph: p.graph, ...(generations ? { vectors: { live: p.vectors, generations, embedder: p.embedder } } : {}), verify,
          }, {
            leg: step.leg, subscription: `refract-rebuild-${step.leg}-${Date.now()}`, batchSize: config.batchSize,
            dropOld: flags['dropOld'] === true, signal: controller.signal, onProgress: progressPrinter(step.leg),
            ...(step.projections ? { projections: step.projections } : {}),
          });
          results.push(result);
          process.stdout.write(flags['json'] ? `${JSON.stringify(result)}\n` : `${summary(result, flags['dropOld'] === true).join('\n')}\n`);
          if (!result.switched) break;
        }
      } finally {
        await Promise.all([p.log.close(), p.graph.close(), p.vectors.close(), generations?.close()]);
      }
      process.exitCode = results.length === plan.length && results.every((r) => r.switched) ? 0 : 1;
    });
}

/** Which legs to rebuild, and for which projections (undefined: all of the leg's). */
export function rebuildPlan(app: App, target: string, legFlag: unknown): { leg: Target; projections?: string[] }[] {
  const leg = legFlag === undefined ? undefined : (typeof legFlag === 'string' ? legFlag : JSON.stringify(legFlag));
  if (leg !== undefined && !LEGS.includes(leg as Target)) {
    throw new RefractError('CONFIG.INVALID', `--leg ${leg}: expected graph or vector`, { field: 'leg', value: leg });
  }
  if (LEGS.includes(target as Target)) return [{ leg: target as Target }];
  const projection = app.projections.find((p) => p.name === target);
  if (!projection) {
    throw new RefractError('CONFIG.INVALID', `${JSON.stringify(target)} is neither a leg (graph, vector) nor a projection of app ${app.name} (${app.projections.map((p) => p.name).join(', ')})`, { field: 'target', value: target });
  }
  const sides = LEGS.filter((l) => (l === 'graph' ? projection.graph : projection.vector) && (leg === undefined || leg === l));
  if (!sides.length) throw new RefractError('CONFIG.INVALID', `projection ${target} writes nothing to the ${leg ?? 'any'} leg`, { field: 'leg', value: leg });
  return sides.map((l) => ({ leg: l, projections: [target] }));
}

/** The app as a vector rebuild of `names` sees it: only their indices, only their vector sides. */
function vectorView(app: App, names: readonly string[]): App {
  return {
    ...app,
    indices: app.indices.filter((i) => names.includes(i.projection)),
    legProjections: <T extends Target>(t: T) => app.legProjections(t).filter((p) => names.includes(p.name)),
  };
}

function verdictSummary(report: ReconcileReport): string {
  const parts = report.legs.flatMap((l) => Object.entries(l.counts).filter(([, n]) => n > 0).map(([category, n]) => `${l.store}: ${n} ${category}`));
  return parts.length ? parts.join(', ') : `equal to the log (${report.logEntities} entities)`;
}

function progressPrinter(leg: Target) {
  let last = 0;
  return (p: RebuildProgress) => {
    const now = Date.now();
    if (p.phase === 'replaying' && now - last < 2_000) return;
    last = now;
    const eta = p.etaSeconds === null ? '' : `, ETA ${p.etaSeconds} s`;
    const verdict = p.verdict ? `: ${p.verdict.summary}` : '';
    process.stderr.write(`  ${leg} ${p.phase}: ${p.processed.toLocaleString('en-US')} done, ${p.backlog.toLocaleString('en-US')} to go, ${Math.round(p.perSecond)}/s${eta}${verdict}\n`);
  };
}

function summary(r: RebuildResult, dropped: boolean): string[] {
  const lines = [`${r.leg} rebuild of ${r.projections.join(', ')}: ${r.switched ? 'done' : 'NOT SWITCHED'} (${r.verdict.summary})`];
  lines.push(`  ${r.stats.received} messages replayed, ${r.stats.applied} applied, ${r.stats.stale} stale; embeddings ${r.stats.embeddingsComputed} computed, ${r.stats.embeddingsReused} reused`);
  for (const g of r.generations) {
    lines.push(r.switched
      ? `  ${g.alias} → ${g.next}; ${dropped ? `${g.live} deleted` : `${g.live} kept for a rollback`}`
      : `  ${g.alias} still → ${g.live}; the unverified ${g.next} is kept for inspection and replaced by the next rebuild`);
  }
  if (r.deadLettered) lines.push(`  ${r.deadLettered} message(s) could not be applied (the live leg dead-letters them too: refract dead-letters stats ${r.leg})`);
  return lines;
}
