import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/domain/index.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import { CDC_LEG, cdcTopicFor, runCdcTranslator } from '../../src/runtime/index.ts';
import { embeddedParts, FAST_OPTIONS, runBothLegs } from '../support/embedded-pipeline.ts';
import { graphSnapshot } from '../support/snapshots.ts';

const encoder = new TextEncoder();

function change(op: string, lsn: number, table: string, before: object | null, after: object | null) {
  return encoder.encode(JSON.stringify({
    before, after, op, ts_ms: 1_764_000_000_500,
    source: { db: 'refract', schema: 'public', table, lsn, ts_ms: 1_764_000_000_000 },
  }));
}

const person = (id: string, city: string) => ({
  id, full_name: `Person ${id}`, date_of_birth: 7_000, nationality: 'PT', city, occupation: 'nurse',
  employer_id: null, risk_rating: 'low', description: null,
});

describe('the CDC translator (embedded adapters)', () => {
  it('publishes an event per change to the entity topics, dead-letters an unmapped table, ignores tombstones, and the legs apply the events', async () => {
    const parts = embeddedParts();
    const persons = cdcTopicFor('public.persons');
    const raw = [
      { topic: persons, key: '{"id":"p-1"}', payload: change('c', 100, 'persons', null, person('p-1', 'Porto')) },
      { topic: persons, key: '{"id":"p-2"}', payload: change('c', 140, 'persons', null, person('p-2', 'Lyon')) },
      // Two updates of p-1 in one transaction, then a delete of p-2 and Debezium's tombstone after it.
      { topic: persons, key: '{"id":"p-1"}', payload: change('u', 200, 'persons', null, person('p-1', 'Braga')) },
      { topic: persons, key: '{"id":"p-1"}', payload: change('u', 260, 'persons', null, person('p-1', 'Faro')) },
      { topic: persons, key: '{"id":"p-2"}', payload: change('d', 300, 'persons', { id: 'p-2' }, null) },
      { topic: persons, key: '{"id":"p-2"}', payload: new Uint8Array(0) },
      { topic: cdcTopicFor('public.audit_log'), key: '{"id":1}', payload: change('c', 310, 'audit_log', null, { id: 1 }) },
    ];
    await parts.log.publish(raw.map((m) => ({ ...m, properties: { 'refract.cdc.lsn': '1' } })));
    const subscription = await parts.log.subscribe({ topics: [persons, cdcTopicFor('public.audit_log')], subscription: 'refract-cdc' });
    const stats = await runCdcTranslator(
      { app: bankingApp, log: parts.log, subscription, deadLetters: parts.deadLetters, clock: parts.clock, logger: parts.logger },
      { batchSize: 3, maxWaitMs: 5, retry: FAST_OPTIONS.retry, stopWhenDrained: true },
    );
    expect(stats).toEqual({ received: 7, published: 5, ignored: 1, deadLettered: 1 });
    const letters = parts.deadLetters.all();
    expect(letters.map((l) => [l.leg, l.code, l.sourceTopic])).toEqual([[CDC_LEG, 'CDC.UNMAPPED_TABLE', cdcTopicFor('public.audit_log')]]);
    expect(letters[0]?.reason).toMatch(/public\.audit_log has no mapping/);

    // The events are ordinary events on the entity topic, keyed by entity id.
    const reader = await parts.log.read({ topics: [bankingApp.topicFor('person')] });
    const events = (await reader.next(100)).map((m) => ({ key: m.key, event: decodeEvent(m.payload, bankingApp.catalog) }));
    await reader.close();
    expect(events.map((e) => [e.key, e.event.event_type, e.event.version])).toEqual([
      ['p-1', 'create', 100], ['p-2', 'create', 140], ['p-1', 'update', 200], ['p-1', 'update', 260], ['p-2', 'delete', 300],
    ]);

    await runBothLegs(parts);
    const graph = await graphSnapshot(parts.graph);
    expect(graph.get('p-1')).toMatchObject({ version: 260, deleted: false, properties: { city: 'Faro' } });
    expect(graph.get('p-2')).toMatchObject({ version: 300, deleted: true });
    expect(await parts.vectors.get('person', ['p-1'])).toHaveProperty('size', 1);
  });
});
