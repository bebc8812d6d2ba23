import type { LoadRun, StepResult } from '../load-session.ts';
import { LEGS, type LegName } from '../leg-tap.ts';
import type { LoadSample } from '../load-sample.ts';
import type { LoadSettings } from '../load-settings.ts';
import type { MachineInfo } from '../machine-info.ts';
import type { Percentiles } from '../percentiles.ts';

/** Everything a reader needs to trust (or doubt) the figures: the JSON file holds exactly this. */
export interface LoadReport {
  readonly title: string;
  readonly createdAt: string;
  readonly mode: 'rate' | 'step';
  readonly machine: MachineInfo;
  readonly servers: Readonly<Record<string, string>>;
  readonly adapters: {
    readonly eventLog: string; readonly graph: string; readonly vectors: string; readonly embedder: string;
    readonly embedderModel: string; readonly batchSize: number;
  };
  readonly settings: LoadSettings;
  readonly headline: Headline;
  readonly steps: readonly StepResult[];
  readonly tally: LoadRun['tally'];
  readonly drained: boolean;
  readonly error?: string;
  readonly lastPublishError?: string;
  readonly samples: readonly LoadSample[];
}

export interface Headline {
  /** Step mode: the highest rate that held; a plain run: its rate if it held, else null. */
  readonly highestHeldRate: number | null;
  /** Messages per second the log accepted over the measured seconds. */
  readonly publishedRate: number;
  readonly durableRate: Readonly<Record<LegName, number>>;
  readonly maxBacklog: Readonly<Record<LegName, number>>;
  /** Freshness at the highest held rate (or the last step when none held). */
  readonly freshness: Readonly<Record<LegName, Percentiles | null>>;
}

export function buildReport(run: LoadRun, context: Pick<LoadReport, 'title' | 'machine' | 'servers' | 'adapters' | 'settings'>): LoadReport {
  const measured = run.samples.filter((s) => s.phase === 'measure');
  const seconds = measured.reduce((a, s) => a + s.seconds, 0);
  const mean = (f: (s: LoadSample) => number) => (seconds ? measured.reduce((a, s) => a + f(s), 0) / seconds : 0);
  const held = run.steps.filter((s) => s.holds);
  const best = held[held.length - 1] ?? run.steps[run.steps.length - 1];
  const perLeg = (f: (leg: LegName) => number) => Object.fromEntries(LEGS.map((leg) => [leg, f(leg)])) as Record<LegName, number>;
  return {
    ...context,
    createdAt: new Date(run.startedAt).toISOString(),
    mode: context.settings.steps.length > 1 ? 'step' : 'rate',
    headline: {
      highestHeldRate: held.length ? Math.max(...held.map((s) => s.rate)) : null,
      publishedRate: mean((s) => s.published),
      durableRate: perLeg((leg) => mean((s) => s.legs[leg].durable)),
      maxBacklog: perLeg((leg) => Math.max(0, ...run.samples.map((s) => s.legs[leg].backlog))),
      freshness: best?.freshness ?? { graph: null, vector: null },
    },
    steps: run.steps,
    tally: run.tally,
    drained: run.drained,
    ...(run.error ? { error: run.error } : {}),
    ...(run.lastPublishError ? { lastPublishError: run.lastPublishError } : {}),
    samples: run.samples,
  };
}
