import { BANKING_TOPIC_NAMES } from '../../src/domain/index.ts';

/** Where a test run's topics live (a tenant and namespace of its own). */
export interface RunNamespace {
  readonly webUrl: string;
  readonly tenant: string;
  readonly namespace: string;
}

/**
 * Whether the runner with process id `pid` has a consumer on `subscription` on every banking
 * topic: its legs are running (and it has installed its signal handlers, which come first).
 * Refract names consumers `<subscription>-<host>-<pid>-<random>`.
 */
export async function runnerConsumes(where: RunNamespace, subscription: string, pid: number): Promise<boolean> {
  for (const topic of BANKING_TOPIC_NAMES) {
    try {
      const res = await fetch(`${where.webUrl}/admin/v2/persistent/${where.tenant}/${where.namespace}/${topic}/stats`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) return false;
      const stats = (await res.json()) as { subscriptions?: Record<string, { consumers?: { consumerName?: string }[] }> };
      const consumers = stats.subscriptions?.[subscription]?.consumers ?? [];
      if (!consumers.some((c) => c.consumerName?.includes(`-${pid}-`))) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Dead letters kept on a leg's dead-letter topic (the backlog of the subscription that keeps them). */
export async function deadLetterCount(where: RunNamespace, leg: 'graph' | 'vector'): Promise<number> {
  const res = await fetch(`${where.webUrl}/admin/v2/persistent/${where.tenant}/${where.namespace}/${leg}-dlq/stats`);
  if (!res.ok) throw new Error(`dead-letter topic of ${leg}: HTTP ${res.status}`);
  const stats = (await res.json()) as { subscriptions?: Record<string, { msgBacklog?: number }> };
  return Object.values(stats.subscriptions ?? {}).reduce((most, s) => Math.max(most, s.msgBacklog ?? 0), 0);
}
