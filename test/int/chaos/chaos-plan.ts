import type { ServiceName } from '../../../scripts/services/service.ts';
import { seeded } from './seeded.ts';

/** One disruption, done after a wave of messages is published and `afterMs` has passed. */
export type ChaosAction =
  | { readonly kind: 'kill-runner'; readonly afterMs: number }
  | { readonly kind: 'restart-server'; readonly server: ServiceName; readonly how: 'stop' | 'kill'; readonly afterMs: number };

/**
 * The seeded order of disruptions: the runner killed with SIGKILL `kills` times, and each
 * server restarted once through the launcher. Pulsar is stopped gently: standalone runs its
 * bookie with `journalSyncData=false`, so a SIGKILL may lose acknowledged writes by design
 * of that configuration, which would test the server's settings, not Refract. JanusGraph
 * (BerkeleyJE) and OpenSearch (translog fsync per request) are killed outright.
 */
export function chaosPlan(seed: number, kills: number): ChaosAction[] {
  const random = seeded(seed ^ 0xc4a05);
  const delay = () => Math.round(200 + random() * 2_500);
  const actions: ChaosAction[] = [
    ...Array.from({ length: kills }, (): ChaosAction => ({ kind: 'kill-runner', afterMs: delay() })),
    { kind: 'restart-server', server: 'pulsar', how: 'stop', afterMs: delay() },
    { kind: 'restart-server', server: 'janusgraph', how: 'kill', afterMs: delay() },
    { kind: 'restart-server', server: 'opensearch', how: 'kill', afterMs: delay() },
  ];
  for (let i = actions.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [actions[i], actions[j]] = [actions[j]!, actions[i]!];
  }
  return actions;
}

export const describeAction = (a: ChaosAction): string =>
  a.kind === 'kill-runner' ? `kill -9 the runner after ${a.afterMs} ms` : `${a.how === 'kill' ? 'kill -9' : 'stop'} and restart ${a.server} after ${a.afterMs} ms`;
