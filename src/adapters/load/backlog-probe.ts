import type { RefractConfig } from '../config/config.ts';
import { loadApp } from '../config/load-app.ts';
import { serverAuth } from '../config/server-auth.ts';
import type { LegName } from './leg-tap.ts';

/** A leg's real subscription backlog, where the log can tell it without consuming; undefined otherwise. */
export type BacklogProbe = (leg: LegName) => Promise<number | undefined>;

/**
 * On Pulsar: the broker's precise count of unacked messages of the leg's subscription, summed
 * over the application's topics (the admin API only reads; a second consumer on the subscription
 * would take messages from the leg). The embedded log cannot be asked from outside the legs,
 * so there the run counts published − acked itself.
 */
export async function createBacklogProbe(config: RefractConfig): Promise<BacklogProbe> {
  if (config.eventLog !== 'pulsar') return () => Promise.resolve(undefined);
  const { createPulsarAdmin } = await import('../pulsar/pulsar-admin.ts');
  const { subscriptionBacklog } = await import('../pulsar/subscription-backlog.ts');
  const { fullTopicName } = await import('../pulsar/topic-names.ts');
  const admin = createPulsarAdmin(config.pulsarUrl, { timeoutMs: 5_000, auth: serverAuth(config, 'pulsar') });
  const { topics } = await loadApp(config);
  const where = { tenant: config.pulsarTenant, namespace: config.pulsarNamespace };
  return async (leg) => {
    try {
      const counts = await Promise.all(topics.map((t) => subscriptionBacklog(admin, fullTopicName(where, t), `refract-${leg}`)));
      return counts.some((c) => c === undefined) ? undefined : counts.reduce<number>((a, c) => a + (c ?? 0), 0);
    } catch {
      // A slow or restarting admin API must not stop the measurement: this second falls back to the count.
      return undefined;
    }
  };
}
