import { describe, it } from 'vitest';
import { graphProjection } from '../../src/projections/banking/banking-graph.projection.ts';
import { anEvent, projectionSpec } from '../support/projection-spec.ts';

const spec = projectionSpec(graphProjection.graph!);
const account = (version: number, owner: string) =>
  anEvent({
    entity_type: 'account', entity_id: 'acc-1', version, event_type: version === 1 ? 'create' : 'update',
    payload: { iban: 'DE89370400440532013000', currency: 'EUR', status: 'active', owner: { entity_type: 'person', entity_id: owner } },
  });

describe('graphProjection', () => {
  describe('when an account is created', () => {
    it('upserts its vertex with scalar properties and the OWNED_BY edge it owns', () => {
      spec.given([]).when(account(1, 'per-1')).then([
        {
          kind: 'upsert_vertex', label: 'account', id: 'acc-1', version: 1,
          properties: { iban: 'DE89370400440532013000', currency: 'EUR', status: 'active' },
          edges: [{ label: 'OWNED_BY', to: { label: 'person', id: 'per-1' }, properties: {} }],
        },
      ]);
    });
  });

  describe('when the owner changes', () => {
    it('carries only the new owner, so the old edge is replaced', () => {
      spec.given([account(1, 'per-1')]).when(account(2, 'per-2')).then([
        {
          kind: 'upsert_vertex', label: 'account', id: 'acc-1', version: 2,
          properties: { iban: 'DE89370400440532013000', currency: 'EUR', status: 'active' },
          edges: [{ label: 'OWNED_BY', to: { label: 'person', id: 'per-2' }, properties: {} }],
        },
      ]);
    });
  });

  describe('when a transaction is created', () => {
    it('owns a FROM and a TO edge carrying amount, currency and time', () => {
      const props = { amount: 12.5, currency: 'EUR', booked_at: '2026-02-01T10:00:00.000Z' };
      spec.given([]).when(anEvent({
        entity_type: 'transaction', entity_id: 'tra-1',
        payload: { ...props, channel: 'sepa', from_account: { entity_type: 'account', entity_id: 'a' }, to_account: { entity_type: 'account', entity_id: 'b' } },
      })).then([
        {
          kind: 'upsert_vertex', label: 'transaction', id: 'tra-1', version: 1, properties: { ...props, channel: 'sepa' },
          edges: [
            { label: 'FROM', to: { label: 'account', id: 'a' }, properties: props },
            { label: 'TO', to: { label: 'account', id: 'b' }, properties: props },
          ],
        },
      ]);
    });
  });

  describe('when an entity is deleted', () => {
    it('tombstones the vertex with the delete\u2019s version and its occurred_at as the deletion time', () => {
      spec.given([account(1, 'p')])
        .when(anEvent({ entity_type: 'account', entity_id: 'acc-1', event_type: 'delete', version: 3, occurred_at: '2026-03-04T05:06:07.089+01:00' }))
        .then([{ kind: 'tombstone_vertex', label: 'account', id: 'acc-1', version: 3, deletedAt: Date.UTC(2026, 2, 4, 4, 6, 7, 89) }]);
    });
  });

  describe('when the entity type is not one it handles', () => {
    it('returns no commands and does not throw', () => {
      spec.given([]).when(anEvent({ entity_type: 'loan', entity_id: 'x', payload: { owner: 5 } })).thenNothing();
    });
  });
});
