import { RefractError } from '../../domain/index.ts';
import { adminReason, type PulsarAdmin } from './pulsar-admin.ts';
import { topicPath } from './topic-names.ts';

/** Each leg dead-letters to its own topic: `graph` → `graph-dlq`. */
export const deadLetterTopicFor = (leg: string): string => `${leg}-dlq`;

/** The legs Refract ships: the two projection legs, and the CDC leg that feeds them (docs/adr/0021). */
export const LEGS: readonly string[] = ['graph', 'vector', 'cdc'];

/** The dead-letter topics `topics init` creates, one per leg. */
export const DEFAULT_DEAD_LETTER_TOPICS: readonly string[] = LEGS.map(deadLetterTopicFor);

/**
 * A durable subscription on every dead-letter topic, at the earliest message. It is what keeps
 * letters in the log (a topic without subscriptions keeps messages only as long as retention
 * says), and its backlog is the list of letters not yet re-driven.
 */
export const DEAD_LETTER_SUBSCRIPTION = 'refract-dead-letters';

/** Makes sure the subscription that keeps letters exists; returns whether it had to be created. */
export async function ensureKeepingSubscription(admin: PulsarAdmin, fullTopic: string): Promise<boolean> {
  const path = `/admin/v2/${topicPath(fullTopic)}`;
  const existing = await admin.request('GET', `${path}/subscriptions`);
  if (existing.status === 200 && Array.isArray(existing.body) && existing.body.includes(DEAD_LETTER_SUBSCRIPTION)) return false;
  // Creating a subscription also creates its topic; `-1:-1` is the earliest position.
  const answer = await admin.request('PUT', `${path}/subscription/${DEAD_LETTER_SUBSCRIPTION}`, { ledgerId: -1, entryId: -1 });
  if (answer.status === 409) return false;
  if (answer.status >= 300) {
    throw new RefractError('LOG.REFUSED', `Pulsar refused the dead-letter subscription on ${fullTopic} (${answer.status}): ${adminReason(answer.body)}`, { topic: fullTopic, status: answer.status });
  }
  return true;
}
