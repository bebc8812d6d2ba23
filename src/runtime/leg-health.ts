/**
 * What a leg says about itself. `degraded`: it keeps retrying a store or the log that does not
 * answer, holding its backlog (readiness fails). `stopped`: it gave up with an error that no
 * retry fixes (configuration, a store failing as a whole, too many failures in one batch).
 */
export type LegHealth =
  | { readonly state: 'healthy'; readonly since: number }
  | { readonly state: 'degraded' | 'stopped'; readonly since: number; readonly reason: string };

/** Tracks one leg's health and reports only changes. */
export function healthTracker(leg: string, now: () => number, onChange?: (leg: string, health: LegHealth) => void) {
  let current: LegHealth = { state: 'healthy', since: now() };
  const set = (next: LegHealth) => {
    if (next.state === current.state && (next.state === 'healthy' || ('reason' in current && current.reason === next.reason))) return;
    current = next;
    onChange?.(leg, next);
  };
  return {
    get: () => current,
    healthy: () => set({ state: 'healthy', since: now() }),
    degraded: (reason: string) => set({ state: 'degraded', since: now(), reason }),
    stopped: (reason: string) => set({ state: 'stopped', since: now(), reason }),
  };
}
export type HealthTracker = ReturnType<typeof healthTracker>;
