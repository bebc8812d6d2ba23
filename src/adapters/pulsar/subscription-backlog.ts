import { RefractError } from '../../domain/index.ts';
import { adminReason, type PulsarAdmin } from './pulsar-admin.ts';
import { topicPath } from './topic-names.ts';

/**
 * Unacked messages of a subscription on a topic, from the topic's stats. `getPreciseBacklog`
 * makes the broker count entries rather than estimate; acks still reach the broker a little
 * after they are sent (the WebSocket handler's client groups them for up to 100 ms), so the
 * figure can stay above zero for a moment after the last ack, never below the truth. A topic
 * that does not exist (yet) has nothing in it: 0.
 */
export async function subscriptionBacklog(admin: PulsarAdmin, fullTopic: string, subscription: string): Promise<number> {
  const path = `/admin/v2/${topicPath(fullTopic)}/stats?getPreciseBacklog=true`;
  const answer = await admin.request('GET', path);
  if (answer.status === 404) return 0;
  if (answer.status >= 300) {
    throw new RefractError('LOG.REFUSED', `Pulsar refused the stats of ${fullTopic} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
  }
  const subscriptions = (answer.body as { subscriptions?: Record<string, { msgBacklog?: number } | undefined> } | undefined)?.subscriptions;
  return subscriptions?.[subscription]?.msgBacklog ?? 0;
}
