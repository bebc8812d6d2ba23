import { BANKING_TOPIC_NAMES } from '../../../src/domain/index.ts';
import type { RunNamespace } from '../../support/subscription-stats.ts';

/** Messages of `subscription` not yet acknowledged, on all banking topics: the backlog plus what consumers hold. */
export async function outstanding(where: RunNamespace, subscription: string): Promise<number> {
  let total = 0;
  for (const topic of BANKING_TOPIC_NAMES) {
    const res = await fetch(`${where.webUrl}/admin/v2/persistent/${where.tenant}/${where.namespace}/${topic}/stats`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`stats of ${topic}: HTTP ${res.status}`);
    const stats = (await res.json()) as { subscriptions?: Record<string, { msgBacklog?: number; unackedMessages?: number }> };
    const sub = stats.subscriptions?.[subscription];
    total += (sub?.msgBacklog ?? 0) + (sub?.unackedMessages ?? 0);
  }
  return total;
}
