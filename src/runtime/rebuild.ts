import { RefractError, type ProjectionBuild } from '../domain/index.ts';
import type { App } from '../projections/app.ts';
import { currentBuilds } from '../projections/fingerprint.ts';
import type { Target } from '../projections/projection.ts';
import type {
  BuildRecords, Clock, DeadLetters, Embedder, EventLog, GraphStore, IndexGeneration, InFlightJournal, Logger, Metrics,
  VectorGenerations, VectorStore,
} from '../ports/index.ts';
import { createGraphSink } from './graph-sink.ts';
import type { Leg } from './leg.ts';
import type { LegStats } from './leg-stats.ts';
import { DEFAULT_RETRY } from './retry.ts';
import { DEFAULT_RUNNER_OPTIONS } from './leg.ts';
import { runLeg } from './runner.ts';
import { createVectorSink } from './vector-sink.ts';

/** What the rebuild asks before it switches: is the new generation equal to the log? */
export interface Verdict {
  readonly equal: boolean;
  /** One line for the operator, e.g. "12 missing, 3 behind". */
  readonly summary: string;
}

/** The stores a verification looks at: the new generation, never the live one. */
export interface RebuiltStores {
  readonly graph?: GraphStore;
  readonly vectors?: VectorStore;
}

export interface RebuildDeps {
  readonly app: App;
  readonly log: EventLog;
  readonly buildRecords: BuildRecords;
  /** Where the rebuild's own dead letters go: the live leg has dead-lettered the same messages already. */
  readonly deadLetters: DeadLetters;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly journal: InFlightJournal;
  /** For a graph rebuild: the live graph, replayed into in place (docs/adr/0018). */
  readonly graph?: GraphStore;
  /** For a vector rebuild: the live store (whose vectors are reused), its generations and the embedder. */
  readonly vectors?: { readonly live: VectorStore; readonly generations: VectorGenerations; readonly embedder: Embedder };
  /** Compares the rebuilt stores with the log for the projections being rebuilt (`refract reconcile`). */
  verify(stores: RebuiltStores, projections: readonly string[]): Promise<Verdict>;
}

export interface RebuildOptions {
  readonly leg: Target;
  /** Which of the leg's projections to rebuild (default: all of them). */
  readonly projections?: readonly string[];
  /** The rebuild's own subscription, read from the earliest message and removed at the end. */
  readonly subscription: string;
  readonly batchSize?: number;
  readonly maxWaitMs?: number;
  /** How often progress is reported and the backlog checked (default 1 s). */
  readonly pollMs?: number;
  /** Verifications tried, pollMs apart, before the rebuild gives up without switching (default 5). */
  readonly verifyAttempts?: number;
  /** Delete the old vector generations once the aliases moved (default: keep them for a rollback). */
  readonly dropOld?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export type RebuildPhase = 'replaying' | 'verifying' | 'switching' | 'draining' | 'done';

export interface RebuildProgress {
  readonly phase: RebuildPhase;
  /** Messages the rebuild has worked through. */
  readonly processed: number;
  /** Messages still ahead of it on its subscription. */
  readonly backlog: number;
  readonly perSecond: number;
  /** Seconds to catch up at the current rate; null before a rate is known. */
  readonly etaSeconds: number | null;
  readonly verdict?: Verdict;
}

export interface RebuildResult {
  readonly leg: Target;
  readonly projections: readonly string[];
  readonly switched: boolean;
  readonly verdict: Verdict;
  readonly stats: LegStats;
  /** Vector rebuilds: each index's old and new generation. */
  readonly generations: readonly IndexGeneration[];
  /** Recorded as what the read model is now built with (only when switched). */
  readonly recorded: readonly ProjectionBuild[];
  /** Messages the rebuild could not apply (the live leg dead-letters the same ones). */
  readonly deadLettered: number;
}

/**
 * Rebuilds one leg's projections from the log (docs/adr/0018) while the live generation keeps
 * serving reads and the live leg keeps running:
 * - vector: a new generation of each index beside the live one, filled from the earliest
 *   message on a subscription of its own, reusing the live generation's vector for every
 *   unchanged text; once caught up and verified equal to the log, every alias moves in one
 *   atomic step, and the rebuild drains what was published before the switch;
 * - graph: the same replay into the live graph, rewriting each vertex at its own version, so
 *   the newest event rewrites it under the current mapping; reads never see a missing vertex.
 * Nothing switches unless `verify` finds the new generation equal to the log. The builds are
 * recorded (clearing "needs rebuild") only after the switch.
 */
export async function rebuild(deps: RebuildDeps, options: RebuildOptions): Promise<RebuildResult> {
  const { app, clock, logger } = deps;
  const chosen = chooseProjections(app, options.leg, options.projections);
  const names = chosen.map((p) => p.name);
  const builds = currentBuilds(app.projections.filter((p) => names.includes(p.name))).filter((b) => b.leg === options.leg);
  const pollMs = options.pollMs ?? 1_000;

  let generations: IndexGeneration[] = [];
  let rebuilt: RebuiltStores;
  let leg: Leg;
  if (options.leg === 'vector') {
    const vectors = deps.vectors;
    if (!vectors) throw new RefractError('CONFIG.INVALID', 'a vector rebuild needs a vector store with generations', {});
    const indices = app.indices.filter((i) => names.includes(i.projection)).map((i) => i.name);
    const prepared = await vectors.generations.prepare(indices);
    generations = prepared.generations;
    for (const g of generations) logger.info(`rebuild: filling ${g.next} beside ${g.live} (alias ${g.alias})`, { index: g.index });
    rebuilt = { vectors: prepared.store };
    leg = { name: 'vector', projections: chosen, sink: createVectorSink(prepared.store, vectors.embedder, { reuseFrom: vectors.live }) };
  } else {
    if (!deps.graph) throw new RefractError('CONFIG.INVALID', 'a graph rebuild needs a graph store', {});
    rebuilt = { graph: deps.graph };
    leg = { name: 'graph', projections: chosen, sink: createGraphSink(deps.graph, { rewriteEqual: true }) };
  }

  const subscription = await deps.log.subscribe({ topics: app.topics, subscription: options.subscription, type: 'Key_Shared' });
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let processed = 0;
  let caughtUpThrough = 0;
  const running = runLeg(leg, {
    subscription, deadLetters: deps.deadLetters, metrics: deps.metrics, clock, logger, journal: deps.journal, catalog: app.catalog,
  }, {
    ...DEFAULT_RUNNER_OPTIONS,
    retry: DEFAULT_RETRY,
    batchSize: options.batchSize ?? DEFAULT_RUNNER_OPTIONS.batchSize,
    maxWaitMs: options.maxWaitMs ?? DEFAULT_RUNNER_OPTIONS.maxWaitMs,
    signal,
    onBatch: (_leg, received) => { processed += received; },
    onCaughtUp: (_leg, through) => { caughtUpThrough = through; },
  });
  let failure: Error | undefined;
  const ended = running.then(() => undefined, (error: unknown) => { failure = error instanceof Error ? error : new Error(String(error)); });

  const meter = rateMeter(clock.now());
  const report = (phase: RebuildPhase, backlog: number, verdict?: Verdict) => {
    const perSecond = meter.rate(processed, clock.now());
    options.onProgress?.({
      phase, processed, backlog, perSecond,
      etaSeconds: perSecond > 0 ? Math.ceil(backlog / perSecond) : null, ...(verdict ? { verdict } : {}),
    });
  };
  const live = () => failure === undefined && !options.signal?.aborted;
  /**
   * Waits until the rebuild has applied every message published before `since`: its backlog is
   * zero, or one of its receives came back empty after `since` (under a steady stream the
   * backlog is rarely zero at the moment it is asked). Reports as it goes.
   */
  const catchUp = async (phase: RebuildPhase, since: number) => {
    for (;;) {
      await clock.sleep(pollMs, signal).catch(() => undefined);
      if (!live()) return;
      const backlog = await subscription.backlog();
      report(phase, backlog);
      if (backlog === 0 || caughtUpThrough >= since) return;
    }
  };

  let verdict: Verdict = { equal: false, summary: 'not verified' };
  let switched = false;
  try {
    await catchUp('replaying', clock.now());
    for (let attempt = 1; live() && attempt <= (options.verifyAttempts ?? 5); attempt++) {
      verdict = await deps.verify(rebuilt, names);
      report('verifying', await subscription.backlog(), verdict);
      if (verdict.equal) break;
      logger.warn(`rebuild: verification ${attempt} found the new generation different from the log: ${verdict.summary}`, { attempt });
      await catchUp('replaying', clock.now());
    }
    if (live() && verdict.equal) {
      if (generations.length) {
        report('switching', 0, verdict);
        await deps.vectors?.generations.promote(generations);
        for (const g of generations) logger.info(`rebuild: alias ${g.alias} now points at ${g.next} (was ${g.live})`, { index: g.index });
      }
      switched = true;
      // Anything published before the switch and still ahead of the rebuild goes into the new generation too.
      await catchUp('draining', clock.now());
      await deps.buildRecords.record(builds);
    }
  } finally {
    stop.abort();
    await ended;
    // The rebuild's subscription is its own: removed, so it holds no backlog on the log.
    await subscription.unsubscribe().catch((error: unknown) =>
      logger.warn(`rebuild: could not remove subscription ${options.subscription}: ${String(error)}`, {}));
  }
  if (failure !== undefined) throw failure;
  if (switched && options.dropOld && generations.length) await deps.vectors?.generations.drop(generations.map((g) => g.live));
  report('done', 0, verdict);
  return {
    leg: options.leg, projections: names, switched, verdict, stats: await running, generations,
    recorded: switched ? builds : [], deadLettered: await deps.deadLetters.depth(options.leg),
  };
}

/** The leg's side of the named projections (all by default); an unknown name or one that writes nothing there is refused. */
function chooseProjections(app: App, leg: Target, wanted?: readonly string[]) {
  const all = app.legProjections(leg);
  if (!wanted?.length) return all;
  for (const name of wanted) {
    if (!app.projections.some((p) => p.name === name)) {
      throw new RefractError('CONFIG.INVALID', `projection ${JSON.stringify(name)} is not part of app ${app.name} (${app.projections.map((p) => p.name).join(', ')})`, { field: 'projection', value: name });
    }
    if (!all.some((p) => p.name === name)) {
      throw new RefractError('CONFIG.INVALID', `projection ${name} writes nothing to the ${leg} leg`, { field: 'projection', value: name });
    }
  }
  return all.filter((p) => wanted.includes(p.name));
}

/** Messages per second over the last few samples. */
function rateMeter(start: number) {
  const samples: { at: number; count: number }[] = [{ at: start, count: 0 }];
  return {
    rate(count: number, at: number) {
      samples.push({ at, count });
      if (samples.length > 10) samples.shift();
      const first = samples[0] ?? { at, count };
      return at > first.at ? ((count - first.count) * 1000) / (at - first.at) : 0;
    },
  };
}
