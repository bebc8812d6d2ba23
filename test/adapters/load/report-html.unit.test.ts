import { describe, expect, it } from 'vitest';
import { cpuShare, type CpuShare } from '../../../src/adapters/load/cpu-probe.ts';
import { headlineLines } from '../../../src/adapters/load/headline-lines.ts';
import type { LoadRun } from '../../../src/adapters/load/load-session.ts';
import type { LoadSample } from '../../../src/adapters/load/load-sample.ts';
import { buildReport } from '../../../src/adapters/load/report/load-report.ts';
import { reportHtml } from '../../../src/adapters/load/report/report-html.ts';

const freshness = { p50: 0.05, p95: 0.4, p99: 1.25, count: 900 };
const sample = (t: number, step: number, rate: number): LoadSample => {
  const leg = { durable: rate, processed: rate, applied: rate, deadLettered: 0, backlog: 10 * step, backlogSource: 'count' as const, freshness };
  return { t, seconds: 1, phase: 'measure', step, targetRate: rate, scheduled: rate, published: rate, publishFailed: 0, legs: { graph: leg, vector: leg } };
};

function report(steps: number[], cpu?: CpuShare) {
  const run: LoadRun = {
    startedAt: Date.UTC(2026, 10, 30), drained: true,
    samples: steps.flatMap((rate, i) => [1, 2, 3].map((k) => sample(3 * i + k, i, rate))),
    steps: steps.map((rate, i) => ({ rate, holds: i < 2, reasons: i < 2 ? [] : ['backlog still growing'], endBacklog: 0, backlogGrowth: 0, publishedRate: rate, freshness: { graph: freshness, vector: freshness }, ...(cpu ? { cpu } : {}) })),
    tally: { events: 9000, messages: 9180, creates: 3000, textChanges: 1170, metadataUpdates: 4560, deletes: 270, duplicates: 180 },
  };
  return buildReport(run, {
    title: 'Refract load test', servers: { pulsar: '4.0.7' },
    machine: { cpuModel: 'Test CPU', cpuCount: 2, memoryGiB: 8, platform: 'linux', node: 'v20.0.0' },
    adapters: { eventLog: 'pulsar', graph: 'janusgraph', vectors: 'opensearch', embedder: 'minilm', embedderModel: 'all-MiniLM-L6-v2', batchSize: 100 },
    settings: { steps: steps.map((rate) => ({ rate, warmupMs: 1000, durationMs: 3000 })), stopAtFirstFailure: true, entities: 1000, seed: 1, mix: { textChangeShare: 0.13, deleteShare: 0.03, duplicateShare: 0.02 }, idPrefix: 'load-x-', sliceMs: 10, drainTimeoutMs: 1000 },
  });
}

const withoutNamespaces = (html: string) => html.replace(/xmlns(:\w+)?="[^"]*"/g, '');

describe('reportHtml', () => {
  describe('when the run was a step run', () => {
    it('draws an SVG per chart (rate, backlog, freshness, rate vs p99) and leads with the highest held rate', async () => {
      const html = await reportHtml(report([500, 1000, 1500]));
      expect(html.match(/<svg[\s>]/g)).toHaveLength(4);
      expect(html).toMatch(/<b>1,000 events\/s<\/b><span>highest rate that held/);
      expect(html).toContain('all-MiniLM-L6-v2');
      expect(html).toContain('2 × Test CPU');
      expect(html).toContain('pulsar 4.0.7');
    });
  });

  describe('when the run held one rate', () => {
    it('draws three charts', async () => {
      const html = await reportHtml(report([800]));
      expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
    });
  });

  describe('when opened offline', () => {
    it('needs nothing from elsewhere: no script, no link, no URL but SVG namespace names', async () => {
      const html = withoutNamespaces(await reportHtml(report([500, 1000, 1500])));
      expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
      expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    });
  });

  describe('when the run measured where the CPU went', () => {
    const cpu = cpuShare(
      { at: 0, machineBusy: 100, processes: { refract: 10, pulsar: 20, janusgraph: null } },
      { at: 10_000, machineBusy: 119.5, processes: { refract: 14.5, pulsar: 23, janusgraph: 5 } },
      2,
    );

    it('gives each process its average cores over the measured seconds, and none where a reading is missing', () => {
      expect(cpu.seconds).toBe(10);
      expect(cpu.machineBusyCores).toBeCloseTo(1.95);
      expect(cpu.processes.refract).toBeCloseTo(0.45);
      expect(cpu.processes.pulsar).toBeCloseTo(0.3);
      expect(cpu.processes.janusgraph).toBeNull();
    });

    it('shows them per step in the page and in the terminal headline', async () => {
      const r = report([500, 1000, 1500], cpu);
      expect(await reportHtml(r)).toMatch(/Where the CPU went[\s\S]*<td>1,000<\/td><td>0\.45<\/td><td>0\.30<\/td><td>\?<\/td><td>1\.95 of 2<\/td>/);
      expect(headlineLines(r)).toContain('  CPU at 1000 events/s: refract 0.45, pulsar 0.30, janusgraph ? cores; machine busy 1.95 of 2');
    });
  });
});
