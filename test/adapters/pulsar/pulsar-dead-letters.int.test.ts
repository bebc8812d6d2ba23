import { bankingApp } from '../../../src/projections/banking/banking.app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryGraphStore } from '../../../src/adapters/memory/memory-graph-store.ts';
import { createMemoryInFlightJournal } from '../../../src/adapters/memory/memory-inflight-journal.ts';
import { createMemoryLogger } from '../../../src/adapters/memory/memory-logger.ts';
import { createMemoryMetrics } from '../../../src/adapters/memory/memory-metrics.ts';
import { createSystemClock } from '../../../src/adapters/memory/system-clock.ts';
import { DEAD_LETTER_SUBSCRIPTION } from '../../../src/adapters/pulsar/dead-letter-topics.ts';
import { createPulsarDeadLetters } from '../../../src/adapters/pulsar/pulsar-dead-letters.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import { BANKING_PAYLOADS, BANKING_TOPIC_NAMES, type EntityEvent } from '../../../src/domain/index.ts';
import type { OutgoingMessage } from '../../../src/ports/index.ts';
import { DEFAULT_RUNNER_OPTIONS, graphLeg, runLeg } from '../../../src/runtime/index.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { expectedGraph } from '../../support/oracle.ts';
import { graphSnapshot } from '../../support/snapshots.ts';
import { bytes, pulsarTestNamespace, text } from './pulsar-test-setup.ts';

const { webUrl } = serviceEndpoints('pulsar');
const TOPICS = BANKING_TOPIC_NAMES;
let ns: Awaited<ReturnType<typeof pulsarTestNamespace>>;
beforeAll(async () => { ns = await pulsarTestNamespace(webUrl, TOPICS); });
afterAll(async () => { await ns.drop(); });

describe('The graph leg on a Pulsar subscription with Pulsar dead letters', () => {
  describe('when one malformed event is published among good ones', () => {
    it('applies the good ones, and dead-letters the bad one on graph-dlq with its reason, key and original bytes', async () => {
      const generated = generateBankingEvents({ seed: 11, entities: 80 });
      const good = generated.filter((m): m is typeof m & { event: EntityEvent } => m.event !== undefined);
      const malformed = { topic: 'persons', key: 'per-bad', payload: bytes('{"event_id": "not even JSON'), properties: { source: 'test' } };
      const messages: OutgoingMessage[] = good.map((m) => ({
        topic: m.topic, key: m.key, payload: m.payload,
        properties: { event_id: m.event.event_id, entity_type: m.event.entity_type, version: String(m.event.version) },
      }));
      messages.splice(Math.floor(messages.length / 2), 0, malformed);
      const log = ns.log({ producerName: 'dlq-test-publisher' });
      expect((await log.publish(messages)).persisted).toBe(messages.length);

      const graph = createMemoryGraphStore();
      const deadLetters = createPulsarDeadLetters({ webUrl, tenant: ns.tenant, namespace: ns.namespace });
      const stats = await runLeg(
        graphLeg(graph, bankingApp),
        {
          subscription: await log.subscribe({ topics: TOPICS, subscription: 'refract-graph' }),
          deadLetters, metrics: createMemoryMetrics(), clock: createSystemClock(), catalog: BANKING_PAYLOADS,
          logger: createMemoryLogger(), journal: createMemoryInFlightJournal(),
        },
        {
          ...DEFAULT_RUNNER_OPTIONS, batchSize: 100, maxWaitMs: 50, stopWhenDrained: true,
          retry: { initialDelayMs: 10, maxDelayMs: 100, maxAttempts: 5 },
        },
      );

      expect(stats.deadLettered).toBe(1);
      expect(await graphSnapshot(graph)).toEqual(expectedGraph(good.map((m) => m.event)));

      const [letter, ...more] = await deadLetters.list('graph', 10);
      expect(more).toEqual([]);
      expect(letter).toMatchObject({ leg: 'graph', key: 'per-bad', sourceTopic: 'persons', code: 'EVENT.MALFORMED_JSON' });
      expect(letter?.reason).toMatch(/not valid UTF-8 JSON/);
      expect(letter && text(letter.payload)).toBe(text(malformed.payload));
      expect(letter?.properties).toMatchObject({ source: 'test', redelivery_count: '0' });

      // The same letter read without the adapter: the admin API's peek at the keeping subscription.
      const peek = await fetch(`${webUrl}/admin/v2/persistent/${ns.tenant}/${ns.namespace}/graph-dlq/subscription/${DEAD_LETTER_SUBSCRIPTION}/position/1`);
      expect(peek.status).toBe(200);
      expect(Buffer.from(await peek.arrayBuffer()).toString()).toBe(text(malformed.payload));
      expect(peek.headers.get('x-pulsar-partition-key')).toBe('per-bad');
      expect(JSON.parse(peek.headers.get('x-pulsar-property') ?? '{}')).toMatchObject({
        'refract.code': 'EVENT.MALFORMED_JSON', 'refract.leg': 'graph', 'refract.source_topic': 'persons', source: 'test',
      });
      // Listing reads without acking: the letter is still there.
      expect(await deadLetters.list('graph', 10)).toHaveLength(1);
    });
  });

  describe('when letters are too large to send whole', () => {
    it('writes them without their payload, saying how many bytes were left out, and keeps the rest of each letter', async () => {
      const deadLetters = createPulsarDeadLetters({ webUrl, tenant: ns.tenant, namespace: ns.namespace });
      const letter = (key: string, payload: Uint8Array) => ({
        leg: 'vector', key, sourceTopic: 'persons', payload, reason: 'too big to project', code: 'EVENT.TOO_LARGE', properties: { source: 'test' },
      });
      const started = Date.now();
      await deadLetters.send([
        letter('per-frame', new Uint8Array(6_500_000).fill(1)), // over the WebSocket frame limit (8 MiB as base64)
        letter('per-broker', new Uint8Array(5_242_800).fill(2)), // fits a frame; the letter's properties tip it over maxMessageSize
        letter('per-small', bytes('{"small":true}')),
      ]);
      expect(Date.now() - started).toBeLessThan(10_000);

      const listed = await deadLetters.list('vector', 10);
      const byKey = new Map(listed.map((l) => [l.key, l]));
      expect([...byKey.keys()].sort()).toEqual(['per-broker', 'per-frame', 'per-small']);
      expect(byKey.get('per-frame')).toMatchObject({ code: 'EVENT.TOO_LARGE', reason: 'too big to project', sourceTopic: 'persons', properties: { source: 'test', 'refract.payload_omitted': '6500000' } });
      expect(byKey.get('per-frame')?.payload).toHaveLength(0);
      expect(byKey.get('per-broker')?.properties).toMatchObject({ 'refract.payload_omitted': '5242800' });
      expect(byKey.get('per-small')?.properties).not.toHaveProperty('refract.payload_omitted');
      expect(text(byKey.get('per-small')?.payload ?? new Uint8Array())).toBe('{"small":true}');
    });
  });
});
