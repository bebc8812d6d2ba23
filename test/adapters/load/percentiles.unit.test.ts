import { describe, expect, it } from 'vitest';
import { percentile, percentiles } from '../../../src/adapters/load/percentiles.ts';

describe('percentiles', () => {
  describe('when given 1..100 in any order', () => {
    it('returns the nearest-rank p50, p95 and p99', () => {
      const values = Array.from({ length: 100 }, (_, i) => 100 - i);
      expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 });
    });
  });

  describe('when given any count of values', () => {
    it('returns the smallest value with at least p of the values at or below it', () => {
      for (let n = 1; n <= 300; n++) {
        const sorted = Array.from({ length: n }, (_, i) => i + 1);
        for (const p of [0.5, 0.95, 0.99]) {
          const v = percentile(sorted, p);
          expect(sorted.filter((x) => x <= v).length).toBeGreaterThanOrEqual(p * n);
          expect(sorted.filter((x) => x < v).length).toBeLessThan(p * n);
        }
      }
    });
  });

  describe('when given few values', () => {
    it('always returns a value that was observed', () => {
      expect(percentiles([0.3])).toEqual({ p50: 0.3, p95: 0.3, p99: 0.3, count: 1 });
      expect(percentiles([1, 2, 3])).toEqual({ p50: 2, p95: 3, p99: 3, count: 3 });
      expect(percentile([1, 10], 0.5)).toBe(1);
    });
  });

  describe('when a tail is slow', () => {
    it('puts one slow value in a hundred into p99 only', () => {
      const values = [...Array.from({ length: 98 }, () => 0.01), 2, 5];
      expect(percentiles(values)).toMatchObject({ p50: 0.01, p95: 0.01, p99: 2 });
    });
  });

  describe('when nothing was measured', () => {
    it('says so rather than reporting zero', () => {
      expect(percentiles([])).toBeNull();
    });
  });
});
