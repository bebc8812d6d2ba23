import { describe, expect, it } from 'vitest';
import { createWaitList } from '../../../src/adapters/pulsar/wait-list.ts';

describe('createWaitList', () => {
  describe('when waits time out with nothing happening (an idle subscription polling)', () => {
    it('keeps none of the timed-out waiters', async () => {
      const list = createWaitList();
      for (let i = 0; i < 50; i++) await list.until(() => false, Date.now() + 1);
      expect(list.size()).toBe(0);
    });
  });

  describe('when something changes while a caller waits', () => {
    it('wakes the caller, which returns once its condition holds', async () => {
      const list = createWaitList();
      let ready = false;
      const waiting = list.until(() => ready, Date.now() + 10_000);
      expect(list.size()).toBe(1);
      list.wake(); // not ready yet: waits again
      await new Promise((r) => setTimeout(r, 0));
      expect(list.size()).toBe(1);
      ready = true;
      list.wake();
      await waiting;
      expect(list.size()).toBe(0);
    });
  });
});
