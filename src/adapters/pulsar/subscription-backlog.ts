import { RefractError } from '../../domain/index.ts';
import { adminReason, type PulsarAdmin } from './pulsar-admin.ts';
import { topicPath } from './topic-names.ts';

/**
 * Unacked messages of a subscription on a topic, from the topic's stats. `getPreciseBacklog`
 * makes the broker count entries rather than estimate; acks still reach the broker a little
 * after they are sent (the WebSocket handler's client groups them for up to 100 ms), so the
 * figure can stay above zero for a moment after the last ack, never below the truth. A
 * partitioned topic has no stats of its own (404): its partitions' sum comes from
 * `partitioned-stats`. A topic that has neither is unknown to the broker: undefined, which a
 * caller must not read as "nothing left" while it still has consumers on that topic.
 */
export async function subscriptionBacklog(admin: PulsarAdmin, fullTopic: string, subscription: string): Promise<number | undefined> {
  return (await subscriptionStats(admin, fullTopic, subscription))?.backlog;
}

/** A subscription on one topic as the broker sees it: backlog, dispatch rate, connected consumers. */
export interface SubscriptionStats {
  readonly backlog: number;
  /** Messages per second dispatched to the subscription's consumers (the broker's moving rate). */
  readonly rateOut: number;
  readonly consumers: number;
}

/** Like `subscriptionBacklog`, with the dispatch rate and the consumers; undefined for a topic the broker does not know. */
export async function subscriptionStats(
  admin: PulsarAdmin, fullTopic: string, subscription: string,
): Promise<SubscriptionStats | undefined> {
  let path = `/admin/v2/${topicPath(fullTopic)}/stats?getPreciseBacklog=true`;
  let answer = await admin.request('GET', path);
  if (answer.status === 404) {
    path = `/admin/v2/${topicPath(fullTopic)}/partitioned-stats?getPreciseBacklog=true`;
    answer = await admin.request('GET', path);
  }
  if (answer.status === 404) return undefined;
  if (answer.status >= 300) {
    throw new RefractError('LOG.REFUSED', `Pulsar refused the stats of ${fullTopic} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
  }
  const stats = (answer.body as { subscriptions?: Record<string, RawSubscription | undefined> } | undefined)?.subscriptions?.[subscription];
  return { backlog: stats?.msgBacklog ?? 0, rateOut: stats?.msgRateOut ?? 0, consumers: stats?.consumers?.length ?? 0 };
}

interface RawSubscription {
  readonly msgBacklog?: number;
  readonly msgRateOut?: number;
  readonly consumers?: readonly unknown[];
}

/** Where a topic's last message sits: ledger and entry (entry -1: none in that ledger). */
export interface LedgerPosition {
  readonly ledger: number;
  readonly entry: number;
}

/** The position of a topic's last persisted message, from the admin API's `lastMessageId`. */
export async function lastMessagePosition(admin: PulsarAdmin, fullTopic: string): Promise<LedgerPosition> {
  const body = await admin.get(`/admin/v2/${topicPath(fullTopic)}/lastMessageId`) as { ledgerId?: unknown; entryId?: unknown } | undefined;
  const { ledgerId, entryId } = body ?? {};
  if (typeof ledgerId !== 'number' || typeof entryId !== 'number') {
    throw new RefractError('LOG.REFUSED', `Pulsar answered the last message id of ${fullTopic} with ${JSON.stringify(body)}`, { topic: fullTopic });
  }
  return { ledger: ledgerId, entry: entryId };
}

/**
 * Deletes a subscription from a topic. The broker refuses (412) while a consumer is connected,
 * which it still believes for a moment after a close: retried until `waitMs` passes. A
 * subscription already gone is fine.
 */
export async function deleteSubscription(admin: PulsarAdmin, fullTopic: string, subscription: string, waitMs = 10_000): Promise<void> {
  const path = `/admin/v2/${topicPath(fullTopic)}/subscription/${encodeURIComponent(subscription)}`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const answer = await admin.request('DELETE', path);
    if (answer.status < 300 || answer.status === 404) return;
    if (answer.status !== 412 || Date.now() > deadline) {
      throw new RefractError('LOG.REFUSED', `Pulsar refused to delete subscription ${subscription} on ${fullTopic} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
