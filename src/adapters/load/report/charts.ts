import type { TopLevelSpec } from 'vega-lite';
import { LEGS } from '../leg-tap.ts';
import type { LoadReport } from './load-report.ts';

export interface Chart {
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 760;
const HEIGHT = 220;
const time = { field: 't', type: 'quantitative', title: 'seconds since start' } as const;

/** A line per series over time, from long-format rows `{ t, series, value }`. */
function lines(title: string, yTitle: string, values: Record<string, unknown>[], extra: Record<string, unknown> = {}): Chart {
  return {
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH, height: HEIGHT, data: { values },
      mark: { type: 'line', interpolate: 'monotone' },
      encoding: {
        x: time,
        y: { field: 'value', type: 'quantitative', title: yTitle },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top' } },
        ...extra,
      },
    },
  };
}

/** The charts of a report, as Vega-Lite specs: rates, backlogs and freshness over time; rate vs p99 in step mode. */
export function reportCharts(report: LoadReport): Chart[] {
  const s = report.samples;
  const charts = [
    lines('Rate: target, published and durable per leg', 'messages per second', s.flatMap((x) => [
      { t: x.t, series: 'target', value: x.targetRate },
      { t: x.t, series: 'published', value: x.published / x.seconds },
      ...LEGS.map((leg) => ({ t: x.t, series: `${leg} durable`, value: x.legs[leg].durable / x.seconds })),
    ])),
    lines('Backlog per leg', 'messages not yet acked', s.flatMap((x) => LEGS.map((leg) => ({ t: x.t, series: leg, value: x.legs[leg].backlog })))),
    lines('Freshness per leg: publish time on the log → write durable', 'seconds', s.flatMap((x) => LEGS.flatMap((leg) => {
      const f = x.legs[leg].freshness;
      return f ? (['p50', 'p95', 'p99'] as const).map((p) => ({ t: x.t, series: `${leg} ${p}`, leg, percentile: p, value: f[p] })) : [];
    })), {
      color: { field: 'leg', type: 'nominal', title: null, legend: { orient: 'top' } },
      strokeDash: { field: 'percentile', type: 'nominal', title: null, legend: { orient: 'top' } },
      detail: { field: 'series', type: 'nominal' },
    }),
  ];
  if (report.mode === 'step') {
    const rows = report.steps.flatMap((step) => LEGS.flatMap((leg) => {
      const p99 = step.freshness[leg]?.p99;
      return p99 === undefined ? [] : [{ rate: step.rate, leg, p99, held: step.holds ? 'held' : 'not held' }];
    }));
    charts.push({
      title: 'Step mode: freshness p99 per leg at each target rate',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH, height: HEIGHT, data: { values: rows },
        mark: { type: 'line', point: { filled: true, size: 60 } },
        encoding: {
          x: { field: 'rate', type: 'quantitative', title: 'target rate (events per second)' },
          y: { field: 'p99', type: 'quantitative', title: 'freshness p99 (seconds)' },
          color: { field: 'leg', type: 'nominal', title: null, legend: { orient: 'top' } },
          shape: { field: 'held', type: 'nominal', title: null, legend: { orient: 'top' } },
        },
      },
    });
  }
  return charts;
}
