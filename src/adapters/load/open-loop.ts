/** The time source of the open loop; the wall clock in a run, a fake one in tests. */
export interface LoopClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface OpenLoopOptions {
  /** Events per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** How often the loop wakes to publish what has fallen due (small slices keep the rate smooth). */
  readonly sliceMs: number;
  readonly clock: LoopClock;
  readonly signal?: AbortSignal;
  /**
   * Hands over `n` events that are due now. It must not wait for them to be published or
   * projected: an open loop keeps its schedule however slow the system under test is.
   */
  readonly emit: (n: number) => void;
}

/** Events due `elapsedMs` into a run at `rate`: the schedule depends on the clock alone. */
export const dueBy = (elapsedMs: number, rate: number) => Math.floor((Math.max(0, elapsedMs) * rate) / 1000);

/**
 * An open-loop generator: at every wake-up it emits whatever the wall clock says is due,
 * catching up after a late wake-up instead of silently lowering the rate (a closed loop, which
 * waits for each answer, would measure the system's speed, not its behaviour at a given load).
 * Returns how many events it emitted.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<number> {
  const { rate, durationMs, clock } = options;
  const started = clock.now();
  let emitted = 0;
  for (;;) {
    const elapsed = Math.min(clock.now() - started, durationMs);
    const due = dueBy(elapsed, rate);
    if (due > emitted) {
      options.emit(due - emitted);
      emitted = due;
    }
    if (elapsed >= durationMs || options.signal?.aborted) return emitted;
    await clock.sleep(Math.min(options.sliceMs, durationMs - elapsed));
  }
}
