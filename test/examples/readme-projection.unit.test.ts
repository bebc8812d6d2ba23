import { describe, expect, it } from 'vitest';
import { bankingApp, defineApp, defineProjection } from 'refract';
import { anEvent } from '../support/projection-spec.ts';

/** The projection the README's "Adding a projection" shows, as written there. */
const largeTransfers = defineProjection({
  name: 'large-transfers', version: 1, handles: ['transaction'],
  graph: {
    vertices: ['large_transfer'], edges: ['FLAGS'],
    project: (e) => e.event_type !== 'delete' && Number(e.payload['amount']) >= 10_000
      ? [{ kind: 'upsert_vertex', label: 'large_transfer', id: e.entity_id, version: e.version, properties: {},
           edges: [{ label: 'FLAGS', to: { label: 'transaction', id: e.entity_id }, properties: {} }] }]
      : e.event_type === 'create' ? [] : [{ kind: 'tombstone_vertex', label: 'large_transfer', id: e.entity_id, version: e.version, deletedAt: Date.parse(e.occurred_at) }],
  },
  vector: {
    indices: { large_transfers: { fields: ['amount', 'currency'] } },
    project: (e) => e.event_type !== 'delete' && Number(e.payload['amount']) >= 10_000
      ? [{ kind: 'upsert_document', index: 'large_transfers', id: e.entity_id, version: e.version,
           fields: { amount: Number(e.payload['amount']), currency: String(e.payload['currency']) },
           text: `transfer of ${Number(e.payload['amount'])} ${String(e.payload['currency'])}` }]
      : e.event_type === 'create' ? [] : [{ kind: 'tombstone_document', index: 'large_transfers', id: e.entity_id, version: e.version }],
  },
});

describe('the README\'s large-transfers projection', () => {
  const app = defineApp({
    name: 'banking',
    entities: Object.fromEntries(Object.entries(bankingApp.catalog).map(([type, schema]) =>
      [type, { schema, topic: bankingApp.topicFor(type) }])),
    projections: [...bankingApp.projections, largeTransfers],
  });
  const transfer = (amount: number) => anEvent({ entity_type: 'transaction', entity_id: 'tx-1', payload: { amount, currency: 'EUR' } });

  it('joins the app with one line and writes to both stores, its own vertex in its own namespace', () => {
    expect(app.graph.vertexLabels).toContain('large_transfer');
    expect(app.indices.map((i) => i.name)).toEqual(['person', 'company', 'large_transfers']);
    const graph = app.legProjections('graph').find((p) => p.name === 'large-transfers')!;
    const vector = app.legProjections('vector').find((p) => p.name === 'large-transfers')!;
    expect(graph.project(transfer(12_000))).toMatchObject([{ label: 'large_transfer', id: 'tx-1\u001flarge-transfers', edges: [{ to: { label: 'transaction', id: 'tx-1' } }] }]);
    expect(vector.project(transfer(12_000))).toMatchObject([{ index: 'large_transfers', id: 'tx-1', text: 'transfer of 12000 EUR' }]);
    expect(graph.project(transfer(50))).toEqual([]);
  });
});
