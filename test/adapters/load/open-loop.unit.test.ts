import { describe, expect, it } from 'vitest';
import { dueBy, runOpenLoop, type LoopClock } from '../../../src/adapters/load/open-loop.ts';

/** A fake clock whose sleeps take as long as `lateness` says: on time, or late like a busy event loop. */
function fakeClock(lateness: (call: number) => number = () => 0): LoopClock & { wakeups: number[] } {
  let now = 1_000_000;
  let calls = 0;
  const wakeups: number[] = [];
  return {
    wakeups,
    now: () => now,
    sleep: (ms) => {
      now += ms + lateness(calls++);
      wakeups.push(now);
      return Promise.resolve();
    },
  };
}

describe('runOpenLoop', () => {
  describe('when the clock runs on time', () => {
    it('has emitted, at every wake-up, exactly what the rate says is due by then', async () => {
      const clock = fakeClock();
      const started = clock.now();
      let emitted = 0;
      const seen: [number, number][] = [];
      await runOpenLoop({
        rate: 1234, durationMs: 5_000, sliceMs: 15, clock, emit: (n) => { emitted += n; seen.push([clock.now() - started, emitted]); },
      });
      expect(emitted).toBe(Math.floor(1234 * 5));
      for (const [elapsed, total] of seen) expect(total).toBe(dueBy(elapsed, 1234));
    });
  });

  describe('when wake-ups come late', () => {
    it('catches up in one slice instead of lowering the rate', async () => {
      const clock = fakeClock((call) => (call % 10 === 3 ? 400 : 0));
      const slices: number[] = [];
      const total = await runOpenLoop({ rate: 1000, durationMs: 3_000, sliceMs: 10, clock, emit: (n) => slices.push(n) });
      expect(total).toBe(3000);
      expect(Math.max(...slices)).toBeGreaterThanOrEqual(400);
    });
  });

  describe('when the system under test never answers', () => {
    it('keeps the schedule: emitting does not wait for publishing', async () => {
      const clock = fakeClock();
      const pending: Promise<void>[] = [];
      const total = await runOpenLoop({
        rate: 500, durationMs: 2_000, sliceMs: 20, clock, emit: () => { pending.push(new Promise<void>(() => undefined)); },
      });
      expect(total).toBe(1000);
      expect(pending.length).toBeGreaterThanOrEqual(90);
    });
  });

  describe('when aborted', () => {
    it('stops at the next wake-up', async () => {
      const clock = fakeClock();
      const stop = new AbortController();
      const total = await runOpenLoop({
        rate: 1000, durationMs: 10_000, sliceMs: 10, clock, signal: stop.signal,
        emit: (n) => { if (clock.now() > 1_001_000) stop.abort(); return n; },
      });
      expect(total).toBeGreaterThan(990);
      expect(total).toBeLessThan(1100);
    });
  });
});
