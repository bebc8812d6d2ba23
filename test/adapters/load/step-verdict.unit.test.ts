import { describe, expect, it } from 'vitest';
import type { LoadSample } from '../../../src/adapters/load/load-sample.ts';
import { stepVerdict } from '../../../src/adapters/load/step-verdict.ts';

/** Ten measured seconds at `rate`, with the graph leg's backlog given per second. */
function samples(rate: number, backlog: (t: number) => number, published = rate): LoadSample[] {
  return Array.from({ length: 10 }, (_, i) => {
    const leg = (b: number) => ({ durable: rate, processed: rate, applied: rate, deadLettered: 0, backlog: b, backlogSource: 'count' as const, freshness: null });
    return { t: i + 1, seconds: 1, phase: 'measure', step: 0, targetRate: rate, scheduled: rate, published, publishFailed: 0, legs: { graph: leg(backlog(i + 1)), vector: leg(0) } };
  });
}

describe('stepVerdict', () => {
  describe('when the backlog stays small and flat', () => {
    it('holds', () => {
      const v = stepVerdict(1000, samples(1000, (t) => (t % 2 ? 150 : 90)));
      expect(v).toMatchObject({ holds: true, reasons: [] });
    });
  });

  describe('when the backlog keeps growing', () => {
    it('does not hold, even while still under two seconds of the rate', () => {
      const v = stepVerdict(1000, samples(1000, (t) => 150 * t));
      expect(v.endBacklog).toBeLessThan(2000);
      expect(v.holds).toBe(false);
      expect(v.reasons.join()).toMatch(/still growing by 150 messages\/s/);
    });
  });

  describe('when the backlog wobbles upwards but stays a fraction of a second of work', () => {
    it('holds: a batch in flight is noise, not a trend', () => {
      const v = stepVerdict(200, samples(200, (t) => (t > 8 ? 90 : 0)));
      expect(v.backlogGrowth).toBeGreaterThan(10);
      expect(v).toMatchObject({ holds: true, reasons: [] });
    });
  });

  describe('when a sample came late and covers two seconds', () => {
    it('judges the publish rate by time, not by sample count', () => {
      const s = samples(1000, () => 0).filter((_, i) => i !== 4).map((x, i) => (i === 4 ? { ...x, seconds: 2, published: 2000 } : x));
      expect(stepVerdict(1000, s)).toMatchObject({ holds: true, publishedRate: 1000 });
    });
  });

  describe('when the backlog is flat but above two seconds of the rate', () => {
    it('does not hold', () => {
      const v = stepVerdict(1000, samples(1000, () => 2500));
      expect(v.holds).toBe(false);
      expect(v.reasons.join()).toMatch(/above 2 s of the rate/);
    });
  });

  describe('when the log accepted far less than the target', () => {
    it('does not hold, and names the publishing side', () => {
      const v = stepVerdict(1000, samples(1000, () => 0, 600));
      expect(v.holds).toBe(false);
      expect(v.reasons.join()).toMatch(/publishing side/);
    });
  });

  describe('when the vector leg falls behind and the graph leg does not', () => {
    it('judges by the leg that is further behind', () => {
      const s = samples(1000, () => 0).map((x, i) => ({ ...x, legs: { ...x.legs, vector: { ...x.legs.vector, backlog: 400 * (i + 1) } } }));
      expect(stepVerdict(1000, s).holds).toBe(false);
    });
  });
});
