import { isRefractError, isRetryable, RefractError } from '../../domain/index.ts';
import type { OutgoingMessage, PublishResult } from '../../ports/index.ts';
import { createTopicProducer, type TopicProducer, type TopicProducerOptions } from './topic-producer.ts';
import type { PulsarTransport } from './transport.ts';

/**
 * A message that was not persisted. `tooLarge` when it can never be sent as it is;
 * `retryable` when publishing it again may succeed (false for that and for a refused topic).
 */
export interface PublishFailure {
  readonly position: number;
  readonly reason: string;
  readonly retryable: boolean;
  readonly tooLarge?: boolean;
}

export interface PublisherResult extends PublishResult {
  readonly failed: readonly PublishFailure[];
}

export interface Publisher {
  /** Messages carry full topic names. */
  publish(messages: readonly OutgoingMessage[]): Promise<PublisherResult>;
  close(): Promise<void>;
}

/**
 * Publishes a batch across topics: one producer per topic, all topics at once. Resolves with
 * what was persisted and why the rest was not; a topic whose producer the broker refuses
 * fails its own messages, not the others'. Throws only when the batch as a whole got nowhere:
 * a retryable LOG.UNAVAILABLE when the broker could not be reached (nothing persisted), or the
 * broker's LOG.REFUSED when it refused every topic of the batch.
 */
export function createPublisher(transport: PulsarTransport, options: TopicProducerOptions): Publisher {
  const producers = new Map<string, TopicProducer>();
  const producerFor = (topic: string) => {
    let producer = producers.get(topic);
    if (!producer) producers.set(topic, (producer = createTopicProducer(transport, topic, options)));
    return producer;
  };

  return {
    async publish(messages) {
      const byTopic = new Map<string, number[]>();
      messages.forEach((m, i) => {
        const positions = byTopic.get(m.topic);
        if (positions) positions.push(i);
        else byTopic.set(m.topic, [i]);
      });
      const failed: PublishFailure[] = [];
      let persisted = 0;
      let unreachable: string | undefined;
      const refusals: unknown[] = [];
      const settled = await Promise.allSettled([...byTopic].map(async ([topic, positions]) => {
        const outcomes = await producerFor(topic).sendAll(positions.map((i) => messages[i] as OutgoingMessage));
        outcomes.forEach((outcome, n) => {
          if (outcome.ok) persisted++;
          else {
            failed.push({
              position: positions[n] ?? -1, reason: outcome.reason, retryable: !outcome.tooLarge,
              ...(outcome.tooLarge ? { tooLarge: true } : {}),
            });
            if (outcome.unavailable) unreachable = outcome.reason;
          }
        });
      }));
      settled.forEach((result, t) => {
        if (result.status === 'fulfilled') return;
        const reason: unknown = result.reason;
        if (!isRefractError(reason)) throw reason; // a bug, not a broker's answer
        refusals.push(reason);
        for (const position of [...byTopic.values()][t] ?? []) {
          failed.push({ position, reason: reason.message, retryable: isRetryable(reason) });
        }
      });
      if (refusals.length && refusals.length === byTopic.size) throw refusals[0];
      if (persisted === 0 && unreachable !== undefined && !refusals.length && failed.length === messages.length) {
        throw new RefractError('LOG.UNAVAILABLE', unreachable, { topics: [...byTopic.keys()] });
      }
      return { persisted, failed: failed.sort((a, b) => a.position - b.position) };
    },
    async close() {
      await Promise.all([...producers.values()].map((p) => p.close()));
      producers.clear();
    },
  };
}
