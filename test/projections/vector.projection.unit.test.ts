import { describe, it } from 'vitest';
import { vectorProjection } from '../../src/projections/banking/banking-vectors.projection.ts';
import { anEvent, projectionSpec } from '../support/projection-spec.ts';

const spec = projectionSpec(vectorProjection.vector!);
const person = { full_name: 'Anna Keller', occupation: 'nurse', city: 'Lyon', nationality: 'FR', risk_rating: 'low', date_of_birth: '1990-01-01' };

describe('vectorProjection', () => {
  describe('when a person with text is created', () => {
    it('upserts a document in the person index with the stored fields and the text', () => {
      spec.given([]).when(anEvent({ entity_type: 'person', entity_id: 'p', payload: person, text_for_embedding: 'nurse in Lyon' })).then([
        {
          kind: 'upsert_document', index: 'person', id: 'p', version: 1, text: 'nurse in Lyon',
          fields: { entity_type: 'person', full_name: 'Anna Keller', occupation: 'nurse', city: 'Lyon', nationality: 'FR', risk_rating: 'low' },
        },
      ]);
    });
  });

  describe('when an update carries no text', () => {
    it('tombstones the document instead of writing a vector for nothing', () => {
      spec.given([]).when(anEvent({ entity_type: 'person', entity_id: 'p', version: 2, event_type: 'update', payload: person, text_for_embedding: ' ' }))
        .then([{ kind: 'tombstone_document', index: 'person', id: 'p', version: 2 }]);
    });
  });

  describe('when an account or transaction arrives', () => {
    it('returns no commands: they have no vector document', () => {
      spec.given([]).when(anEvent({ entity_type: 'account', entity_id: 'a', text_for_embedding: 'x' })).thenNothing();
    });
  });
});
