/**
 * Shared by every leg of one process. Ordinary batches run side by side (shared); a message
 * suspected of crashing the process runs alone in the whole process (exclusive), so that if
 * the process dies then, the in-flight journals name that one message and nothing else:
 * an innocent message of the other leg is never in flight at the crash it did not cause.
 * A waiting exclusive holder goes before later shared ones, so suspects are never starved.
 */
export interface IsolationLock {
  shared<T>(work: () => Promise<T>): Promise<T>;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

export function createIsolationLock(): IsolationLock {
  let sharedHolders = 0;
  let exclusiveHeld = false;
  let exclusiveWaiting = 0;
  const waiters = new Set<() => void>();
  const wake = () => { for (const w of [...waiters]) w(); };
  /** Waits until `take` succeeds; `take` checks and takes in one synchronous step, so no two waiters both win. */
  const until = async (take: () => boolean) => {
    while (!take()) await new Promise<void>((resolve) => waiters.add(function w() { waiters.delete(w); resolve(); }));
  };
  const takeShared = () => {
    if (exclusiveHeld || exclusiveWaiting > 0) return false;
    sharedHolders += 1;
    return true;
  };
  const takeExclusive = () => {
    if (exclusiveHeld || sharedHolders > 0) return false;
    exclusiveHeld = true;
    return true;
  };
  return {
    async shared(work) {
      await until(takeShared);
      try {
        return await work();
      } finally {
        sharedHolders -= 1;
        wake();
      }
    },
    async exclusive(work) {
      exclusiveWaiting += 1;
      try {
        await until(takeExclusive);
      } finally {
        exclusiveWaiting -= 1;
      }
      try {
        return await work();
      } finally {
        exclusiveHeld = false;
        wake();
      }
    },
  };
}
