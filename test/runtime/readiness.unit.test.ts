import { describe, expect, it } from 'vitest';
import { readiness, type LegHealth, type LegView, type ReadinessPolicy } from '../../src/runtime/index.ts';

const NOW = 1_800_000_000_000;
const POLICY: ReadinessPolicy = { stallAfterMs: 60_000, storeGraceMs: 30_000 };
const healthy: LegHealth = { state: 'healthy', since: NOW - 3_600_000 };
const degradedFor = (ms: number): LegHealth => ({ state: 'degraded', since: NOW - ms, reason: 'STORE.UNAVAILABLE: connection refused' });

const view = (overrides: Partial<LegView> = {}): LegView => ({
  leg: 'graph', health: healthy, lastProgressAt: NOW - 1_000, backlog: 0, ...overrides,
});
const one = (v: LegView, policy: ReadinessPolicy = POLICY) => {
  const result = readiness([v], NOW, policy);
  expect(result.legs).toHaveLength(1);
  return { ...result.legs[0]!, overall: result.ready };
};

describe('readiness', () => {
  describe('when a leg is healthy, with recent progress and nothing to do', () => {
    it('is ready and reports its state, backlog and seconds since progress without a reason', () => {
      expect(one(view({ lastProgressAt: NOW - 2_400 }))).toEqual({
        leg: 'graph', ready: true, state: 'healthy', backlog: 0, lastProgressAgoSeconds: 2, overall: true,
      });
    });
  });

  describe('when a leg stopped', () => {
    it('is not ready, whatever its backlog and progress, and gives the reason it stopped', () => {
      const stopped: LegHealth = { state: 'stopped', since: NOW, reason: 'LEG.STOPPED: 6 of 10 messages failed' };
      const r = one(view({ health: stopped, backlog: 0, lastProgressAt: NOW }));
      expect(r).toMatchObject({ ready: false, state: 'stopped', overall: false });
      expect(r.reason).toBe('stopped: LEG.STOPPED: 6 of 10 messages failed');
    });
  });

  describe('when a leg is degraded', () => {
    it('stays ready while the grace period has not passed', () => {
      expect(one(view({ health: degradedFor(29_999) }))).toMatchObject({ ready: true, state: 'degraded' });
    });

    it('is not ready from the moment the grace period has passed, naming how long, the grace and the cause', () => {
      expect(one(view({ health: degradedFor(30_000) })).ready).toBe(false);
      const r = one(view({ health: degradedFor(45_000) }));
      expect(r).toMatchObject({ ready: false, state: 'degraded', overall: false });
      expect(r.reason).toBe('degraded for 45 s (grace 30 s): STORE.UNAVAILABLE: connection refused');
    });

    it('is still stalled within the grace period when it holds a backlog without progress', () => {
      const r = one(view({ health: degradedFor(5_000), backlog: 3, lastProgressAt: NOW - 60_000 }));
      expect(r.ready).toBe(false);
      expect(r.reason).toMatch(/^stalled: /);
    });
  });

  describe('when a leg has a backlog', () => {
    it('is ready while its last progress is younger than stallAfterMs', () => {
      expect(one(view({ backlog: 7, lastProgressAt: NOW - 59_999 })).ready).toBe(true);
    });

    it('is stalled once no progress came for stallAfterMs, naming the backlog, the quiet time and the limit', () => {
      expect(one(view({ backlog: 7, lastProgressAt: NOW - 60_000 })).ready).toBe(false);
      const r = one(view({ backlog: 7, lastProgressAt: NOW - 125_000 }));
      expect(r).toMatchObject({ ready: false, state: 'healthy', backlog: 7, lastProgressAgoSeconds: 125, overall: false });
      expect(r.reason).toBe('stalled: backlog 7 and no progress for 125 s (limit 60 s)');
    });

    it('without any progress yet, measures the quiet time from the health state\u2019s start', () => {
      const young = one(view({ backlog: 4, lastProgressAt: undefined, health: { state: 'healthy', since: NOW - 10_000 } }));
      expect(young).toMatchObject({ ready: true, lastProgressAgoSeconds: null });
      const old = one(view({ backlog: 4, lastProgressAt: undefined, health: { state: 'healthy', since: NOW - 90_000 } }));
      expect(old).toMatchObject({ ready: false, lastProgressAgoSeconds: null });
      expect(old.reason).toBe('stalled: backlog 4 and no progress for 90 s (limit 60 s)');
    });
  });

  describe('when a leg has no backlog', () => {
    it('is ready however long ago its last progress was', () => {
      expect(one(view({ backlog: 0, lastProgressAt: NOW - 86_400_000 }))).toMatchObject({ ready: true, lastProgressAgoSeconds: 86_400 });
      expect(one(view({ backlog: 0, lastProgressAt: undefined, health: { state: 'healthy', since: NOW - 86_400_000 } })).ready).toBe(true);
    });
  });

  describe('when the log could not say the backlog', () => {
    it('is never stalled, and reports the backlog as null', () => {
      const r = one(view({ backlog: undefined, lastProgressAt: NOW - 86_400_000 }));
      expect(r).toMatchObject({ ready: true, backlog: null });
      expect(r.reason).toBeUndefined();
    });

    it('still reports a stopped or long-degraded leg as not ready', () => {
      expect(one(view({ backlog: undefined, health: degradedFor(31_000) })).ready).toBe(false);
      expect(one(view({ backlog: undefined, health: { state: 'stopped', since: NOW, reason: 'x' } })).ready).toBe(false);
    });
  });

  describe('when the last progress lies in the future (a clock step)', () => {
    it('reports zero seconds since progress rather than a negative number', () => {
      expect(one(view({ lastProgressAt: NOW + 5_000 }))).toMatchObject({ ready: true, lastProgressAgoSeconds: 0 });
    });
  });

  describe('over several legs', () => {
    it('is ready only when every leg is, and keeps each leg\u2019s own verdict in order', () => {
      const fine = view({ leg: 'graph' });
      const stalled = view({ leg: 'vector', backlog: 12, lastProgressAt: NOW - 61_000 });
      expect(readiness([fine, view({ leg: 'vector' })], NOW, POLICY).ready).toBe(true);
      const mixed = readiness([fine, stalled], NOW, POLICY);
      expect(mixed.ready).toBe(false);
      expect(mixed.legs.map((l) => [l.leg, l.ready])).toEqual([['graph', true], ['vector', false]]);
      expect(mixed.legs[1]?.reason).toBe('stalled: backlog 12 and no progress for 61 s (limit 60 s)');
    });
  });

  describe('with another policy', () => {
    it('uses its limits, in the verdict and in the reason', () => {
      const strict: ReadinessPolicy = { stallAfterMs: 5_000, storeGraceMs: 2_000 };
      expect(one(view({ backlog: 1, lastProgressAt: NOW - 6_000 }), strict).reason).toBe('stalled: backlog 1 and no progress for 6 s (limit 5 s)');
      expect(one(view({ health: degradedFor(3_000) }), strict).reason).toBe('degraded for 3 s (grace 2 s): STORE.UNAVAILABLE: connection refused');
    });
  });
});
