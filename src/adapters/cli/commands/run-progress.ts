/**
 * `refract run`'s progress: each leg counts what it received on its own subscription, so the
 * line names both legs' counts (one sum under one leg's name would misreport both). A line is
 * due each time a leg passes another `every` messages.
 */
export function legProgress(legs: readonly string[], every = 10_000) {
  const received = new Map<string, number>(legs.map((leg) => [leg, 0]));
  return {
    /** Counts a batch; returns the line to log when `leg` has just passed a multiple of `every`. */
    add(leg: string, count: number): string | undefined {
      const before = received.get(leg) ?? 0;
      received.set(leg, before + count);
      if (Math.floor(before / every) === Math.floor((before + count) / every)) return undefined;
      return `received so far: ${[...received].map(([name, n]) => `${name} leg ${n}`).join(', ')}`;
    },
    received: (): Record<string, number> => Object.fromEntries(received),
  };
}
