import { RefractError } from '../../domain/index.ts';
import type { OutgoingMessage, PublishResult } from '../../ports/index.ts';
import { createTopicProducer, type TopicProducer, type TopicProducerOptions } from './topic-producer.ts';
import type { PulsarTransport } from './transport.ts';

export interface Publisher {
  /** Messages carry full topic names. */
  publish(messages: readonly OutgoingMessage[]): Promise<PublishResult>;
  close(): Promise<void>;
}

/**
 * Publishes a batch across topics: one producer per topic, all topics at once. Resolves with
 * what was persisted; throws LOG.REFUSED when the broker refuses a producer, and a retryable
 * LOG.UNAVAILABLE when it could not be reached at all (nothing persisted).
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
      const failed: { position: number; reason: string }[] = [];
      let persisted = 0;
      let unreachable: string | undefined;
      await Promise.all([...byTopic].map(async ([topic, positions]) => {
        const outcomes = await producerFor(topic).sendAll(positions.map((i) => messages[i] as OutgoingMessage));
        outcomes.forEach((outcome, n) => {
          if (outcome.ok) persisted++;
          else {
            failed.push({ position: positions[n] ?? -1, reason: outcome.reason });
            if (outcome.unavailable) unreachable = outcome.reason;
          }
        });
      }));
      if (persisted === 0 && unreachable !== undefined && failed.length === messages.length) {
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
