import type { LegHealth } from './leg-health.ts';

/** What the process knows about one leg when asked whether it is ready. */
export interface LegView {
  readonly leg: string;
  readonly health: LegHealth;
  /** Unix ms of the leg's last progress (a receive that returned); undefined before the first. */
  readonly lastProgressAt: number | undefined;
  /** The subscription's backlog; undefined when the log could not say. */
  readonly backlog: number | undefined;
}

export interface ReadinessPolicy {
  /** A leg with a backlog and no progress for this long is stalled. */
  readonly stallAfterMs: number;
  /** A leg that cannot reach its store for this long (degraded) is not ready. */
  readonly storeGraceMs: number;
}

export interface LegReadiness {
  readonly leg: string;
  readonly ready: boolean;
  readonly state: LegHealth['state'];
  readonly backlog: number | null;
  readonly lastProgressAgoSeconds: number | null;
  /** Why the leg is not ready, in words an operator can act on. */
  readonly reason?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly legs: readonly LegReadiness[];
}

/**
 * `/readyz`: a process is ready when every leg is. A leg is not ready when it stopped, when it
 * has been degraded (its store or the log not answering) past the grace period, or when it is
 * stalled: a backlog above zero and no progress for `stallAfterMs`, whatever the cause (a
 * wedged store call, a lost consumer). A leg with nothing to do is never stalled.
 */
export function readiness(legs: readonly LegView[], now: number, policy: ReadinessPolicy): Readiness {
  const views = legs.map((view): LegReadiness => {
    const ago = view.lastProgressAt === undefined ? null : Math.max(0, now - view.lastProgressAt);
    const base = {
      leg: view.leg, state: view.health.state, backlog: view.backlog ?? null,
      lastProgressAgoSeconds: ago === null ? null : Math.round(ago / 1000),
    };
    const h = view.health;
    if (h.state === 'stopped') return { ...base, ready: false, reason: `stopped: ${h.reason}` };
    if (h.state === 'degraded' && now - h.since >= policy.storeGraceMs) {
      return { ...base, ready: false, reason: `degraded for ${Math.round((now - h.since) / 1000)} s (grace ${policy.storeGraceMs / 1000} s): ${h.reason}` };
    }
    const quietFor = ago ?? now - h.since;
    if ((view.backlog ?? 0) > 0 && quietFor >= policy.stallAfterMs) {
      return { ...base, ready: false, reason: `stalled: backlog ${view.backlog ?? 0} and no progress for ${Math.round(quietFor / 1000)} s (limit ${policy.stallAfterMs / 1000} s)` };
    }
    return { ...base, ready: true };
  });
  return { ready: views.every((v) => v.ready), legs: views };
}
