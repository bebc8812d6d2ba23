import { describe, expect, it } from 'vitest';
import { BANKING_PAYLOADS, decodeEvent, encodeEvent, RefractError } from '../../src/domain/index.ts';
import { anEvent } from '../support/projection-spec.ts';

const valid = anEvent({
  entity_type: 'company', entity_id: 'com-1',
  payload: { legal_name: 'Atlas GmbH', registration_number: 'HRB-1', industry: 'shipping', city: 'Hamburg', country: 'DE', founded_on: '2001-01-01' },
});
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const failure = (input: Uint8Array, limit?: number) => {
  try {
    decodeEvent(input, BANKING_PAYLOADS, limit ? { maxEventBytes: limit } : undefined);
  } catch (error) {
    if (error instanceof RefractError) return error;
    throw error;
  }
  throw new Error('expected decodeEvent to throw');
};

describe('decodeEvent', () => {
  describe('when the event is valid', () => {
    it('returns it unchanged', () => {
      expect(decodeEvent(encodeEvent(valid), BANKING_PAYLOADS)).toEqual(valid);
    });
  });

  describe('when a field is bad', () => {
    it.each([
      ['version', { ...valid, version: 0 }, 0],
      ['event_type', { ...valid, event_type: 'upsert' }, 'upsert'],
      ['occurred_at', { ...valid, occurred_at: 'yesterday' }, 'yesterday'],
      ['payload.country', { ...valid, payload: { ...valid.payload, country: 'Germany' } }, 'Germany'],
      ['payload.colour', { ...valid, payload: { ...valid.payload, colour: 'red' } }, 'red'],
      ['entity_id', { ...valid, entity_id: 'é'.repeat(300) }, `${'é'.repeat(117)}...`],
      ['entity_id', { ...valid, entity_id: 'a\u0000b' }, 'a\u0000b'],
      ['schema_version', { ...valid, schema_version: '1' }, '1'],
    ])('names %s and the value it got', (field, event, value) => {
      const error = failure(bytes(event));
      expect(error.code).toBe('EVENT.INVALID');
      expect(error.retryable).toBe(false);
      expect(error.details).toMatchObject({ field, value });
      expect(error.message).toContain(field);
    });
  });

  describe('when the input is not an event at all', () => {
    it.each([
      ['EVENT.MALFORMED_JSON', bytes('{"event_id": ')],
      ['EVENT.MALFORMED_JSON', new Uint8Array([0xff, 0xfe, 0x7b])],
      ['EVENT.INVALID', bytes('[1,2]')],
      ['EVENT.UNKNOWN_ENTITY_TYPE', bytes({ ...valid, entity_type: 'spaceship' })],
      ['EVENT.UNKNOWN_ENTITY_TYPE', bytes({ ...valid, entity_type: 'spaceship', event_type: 'delete' })],
      ['EVENT.UNKNOWN_ENTITY_TYPE', bytes({ ...valid, entity_type: 'constructor' })],
      ['EVENT.UNKNOWN_ENTITY_TYPE', bytes({ ...valid, entity_type: 'constructor', event_type: 'delete' })],
      ['EVENT.INVALID', bytes({ ...valid, schema_version: undefined })],
      ['EVENT.UNSUPPORTED_SCHEMA_VERSION', bytes({ ...valid, schema_version: 99 })],
    ])('fails with %s', (code, input) => {
      expect(failure(input).code).toBe(code);
    });
  });

  describe('when the event is larger than the limit', () => {
    it('rejects it before parsing, naming both sizes', () => {
      const error = failure(encodeEvent(valid), 100);
      expect(error.code).toBe('EVENT.OVERSIZE');
      expect(error.message).toMatch(/\d+ bytes, limit is 100/);
    });
  });
});
