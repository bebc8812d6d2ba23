import type { RefractConfig } from '../config/config.ts';
import type { Pipeline } from '../container/container.ts';
import { createBacklogProbe } from '../load/backlog-probe.ts';
import type { PrometheusMetrics } from '../prometheus/prometheus-metrics.ts';
import type { LegHealth } from '../../runtime/index.ts';
import { startOpsServer, type OpsServer } from './ops-server.ts';

/** The legs a runner process serves metrics and readiness for. */
export const OPERATED_LEGS = ['graph', 'vector'] as const;

/**
 * Starts the operations endpoints of a runner process on the configured port: metrics from
 * `metrics`, each leg's health from `health`, backlog and dead-letter depth asked of the log.
 */
export async function serveOps(p: Pick<Pipeline, 'deadLetters' | 'logger'>, metrics: PrometheusMetrics, config: RefractConfig, health: (leg: string) => LegHealth): Promise<OpsServer> {
  const backlog = await createBacklogProbe(config);
  metrics.initialise(OPERATED_LEGS);
  return startOpsServer({
    host: config.metricsHost, port: config.metricsPort, metrics, legs: OPERATED_LEGS, health,
    backlog: (leg) => backlog(leg as (typeof OPERATED_LEGS)[number]),
    deadLetterDepth: (leg) => p.deadLetters.depth(leg),
    policy: { stallAfterMs: config.stallSeconds * 1000, storeGraceMs: config.storeGraceSeconds * 1000 },
    logger: p.logger,
  });
}

/** Each leg's latest health as `onHealth` reports it; healthy until told otherwise. */
export function healthBoard(now: () => number = Date.now) {
  const board = new Map<string, LegHealth>();
  const started = now();
  return {
    update: (leg: string, health: LegHealth) => void board.set(leg, health),
    get: (leg: string): LegHealth => board.get(leg) ?? { state: 'healthy', since: started },
  };
}
