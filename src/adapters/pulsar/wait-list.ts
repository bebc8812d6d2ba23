/** Callers waiting for something to change, each until a deadline of its own. */
export interface WaitList {
  /** Resolves once `ready()` holds or `deadline` (epoch ms) passes; `ready` is checked again on every wake. */
  until(ready: () => boolean, deadline: number): Promise<void>;
  /** Something changed: every waiter checks its condition again. */
  wake(): void;
  /** Waiters now registered (each until its wake or its deadline, never longer). */
  size(): number;
}

export function createWaitList(): WaitList {
  const waiters = new Set<() => void>();
  return {
    async until(ready, deadline) {
      while (!ready() && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done); // a waiter that timed out must not stay behind (an idle leg polls for ever)
            resolve();
          };
          const timer = setTimeout(done, deadline - Date.now());
          waiters.add(done);
        });
      }
    },
    wake() {
      const ready = [...waiters];
      waiters.clear();
      for (const done of ready) done();
    },
    size: () => waiters.size,
  };
}
