import type { Pipeline } from '../container/container.ts';
import type { RunnerOptions } from '../../runtime/index.ts';
import { runBothLegs } from '../cli/commands/run-legs.ts';
import type { BacklogProbe } from './backlog-probe.ts';
import { cpuShare, type CpuProbe, type CpuShare } from './cpu-probe.ts';
import { createLegTap, LEGS, type LegName } from './leg-tap.ts';
import { createLoadEventSource, type LoadTally } from './load-event-source.ts';
import { createLoadPublisher } from './load-publisher.ts';
import type { LoadSample } from './load-sample.ts';
import type { LoadSettings } from './load-settings.ts';
import { runOpenLoop, type LoopClock } from './open-loop.ts';
import { percentiles, type Percentiles } from './percentiles.ts';
import { createSampleRecorder, type DurableLog, type RunPosition } from './sample-recorder.ts';
import { stepVerdict, type StepVerdict } from './step-verdict.ts';

export interface StepResult extends StepVerdict {
  /** Freshness of the events published in the step's measured seconds. */
  readonly freshness: Readonly<Record<LegName, Percentiles | null>>;
  /** Cores each process used over the step's measured seconds (without a CPU probe: absent). */
  readonly cpu?: CpuShare;
}

export interface LoadRun {
  readonly startedAt: number;
  readonly samples: readonly LoadSample[];
  readonly steps: readonly StepResult[];
  readonly tally: Readonly<LoadTally>;
  /** Whether both legs had worked off their backlog before the drain timeout. */
  readonly drained: boolean;
  /** Why the run ended early (a leg stopped), if it did. */
  readonly error?: string;
  readonly lastPublishError?: string;
}

const wallClock: LoopClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * Runs both legs in process and an open-loop publisher next to them, step after step, and
 * records one sample per second. After the last step it waits (bounded) for the legs to
 * drain, so the freshness of the last events is measured too.
 */
export async function runLoad(p: Pipeline, settings: LoadSettings, hooks: { backlog: BacklogProbe; cpu?: CpuProbe; machineCores?: number; onSample?: (s: LoadSample) => void; onHealth?: RunnerOptions['onHealth'] }): Promise<LoadRun> {
  const startedAt = Date.now();
  const tap = createLegTap(p.metrics);
  const source = createLoadEventSource({
    seed: settings.seed, entities: settings.entities, idPrefix: settings.idPrefix, mix: settings.mix, now: Date.now,
  });
  const publisher = createLoadPublisher(p.log, (n) => source.take(n));
  const recorder = createSampleRecorder({ tap, publisher, backlog: hooks.backlog, startedAt, now: Date.now });
  const stopLegs = new AbortController();
  const stopPublishing = new AbortController();
  let error: string | undefined;
  const legs = runBothLegs({ ...p, metrics: tap.metrics }, {
    stopWhenDrained: false, signal: stopLegs.signal, onBatch: tap.onBatch, onDurable: tap.onDurable,
    ...(hooks.onHealth ? { onHealth: hooks.onHealth } : {}),
  }).catch((e: unknown) => {
    error = e instanceof Error ? e.message : String(e);
    stopPublishing.abort();
  });

  const samples: LoadSample[] = [];
  let position: RunPosition = { phase: 'warmup', step: 0, targetRate: settings.steps[0]?.rate ?? 0 };
  const sampler = startSampler(async () => {
    const sample = await recorder.tick(position);
    samples.push(sample);
    hooks.onSample?.(sample);
  });

  const steps: StepResult[] = [];
  const loop = (rate: number, durationMs: number) => runOpenLoop({
    rate, durationMs, sliceMs: settings.sliceMs, clock: wallClock, signal: stopPublishing.signal,
    emit: (n) => { recorder.scheduled(n); publisher.emit(n); },
  });
  try {
    for (const [index, step] of settings.steps.entries()) {
      position = { phase: 'warmup', step: index, targetRate: step.rate };
      await loop(step.rate, step.warmupMs);
      if (step.warmupMs > 0) await sampler.cut();
      position = { phase: 'measure', step: index, targetRate: step.rate };
      const from = Date.now();
      const cpuFrom = hooks.cpu?.snapshot();
      await loop(step.rate, step.durationMs);
      const to = Date.now();
      const cpu = cpuFrom && hooks.cpu ? cpuShare(cpuFrom, hooks.cpu.snapshot(), hooks.machineCores ?? 1) : undefined;
      await sampler.cut();
      const measured = samples.filter((s) => s.phase === 'measure' && s.step === index);
      steps.push({ ...stepVerdict(step.rate, measured), freshness: freshnessOf(recorder.durable, from, to), ...(cpu ? { cpu } : {}) });
      if (error || (settings.stopAtFirstFailure && !steps[steps.length - 1]?.holds)) break;
    }
    position = { ...position, phase: 'drain' };
    await publisher.settle();
    const drained = await waitForDrain(samples, sampler, settings.drainTimeoutMs, () => error !== undefined);
    return {
      startedAt, samples, steps, tally: { ...source.tally }, drained,
      ...(error ? { error } : {}), ...(publisher.lastError() ? { lastPublishError: publisher.lastError() } : {}),
    };
  } finally {
    sampler.stop();
    stopLegs.abort();
    await legs;
  }
}

/** Percentiles of the writes whose events were published between `from` and `to`. */
function freshnessOf(durable: Readonly<Record<LegName, DurableLog>>, from: number, to: number): Record<LegName, Percentiles | null> {
  return Object.fromEntries(LEGS.map((leg) => {
    const d = durable[leg];
    return [leg, percentiles(d.seconds.filter((_, i) => (d.publishedAt[i] as number) >= from && (d.publishedAt[i] as number) < to))];
  })) as Record<LegName, Percentiles | null>;
}

/**
 * Calls `tick` once a second, never two at once (a slow admin API delays a sample, it does not
 * pile them up). `cut()` takes a sample at once and restarts the second, so that a phase ends
 * on a sample of its own and no sample mixes a warm-up with measured time.
 */
function startSampler(tick: () => Promise<void>) {
  let running: Promise<void> | undefined;
  let waiting: (() => void)[] = [];
  const once = async () => {
    while (running) await running;
    running = tick().finally(() => {
      running = undefined;
      const w = waiting;
      waiting = [];
      for (const resolve of w) resolve();
    });
    await running;
  };
  const every = () => setInterval(() => { if (!running) void once(); }, 1000);
  let timer = every();
  return {
    /** Resolves after the next sample is recorded. */
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
    async cut() {
      clearInterval(timer);
      await once();
      timer = every();
    },
    stop: () => {
      clearInterval(timer);
      for (const resolve of waiting) resolve();
    },
  };
}

async function waitForDrain(
  samples: readonly LoadSample[], sampler: ReturnType<typeof startSampler>, timeoutMs: number, failed: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !failed()) {
    await sampler.next();
    const last = samples[samples.length - 1];
    if (last?.phase === 'drain' && LEGS.every((leg) => last.legs[leg].backlog === 0)) return true;
  }
  return false;
}
