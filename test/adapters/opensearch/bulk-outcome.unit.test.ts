import { describe, expect, it } from 'vitest';
import { bulkOutcome } from '../../../src/adapters/opensearch/bulk-outcome.ts';
import { failureKind } from '../../../src/adapters/opensearch/store-errors.ts';

const ok = { status: 201, _index: 'refract-person-v1', _id: 'a' };
const conflict = { status: 409, _index: 'refract-person-v1', _id: 'b', error: { type: 'version_conflict_engine_exception', reason: 'current version [5] is higher' } };
const mapping = {
  status: 400, _index: 'refract-person-v1', _id: 'c',
  error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [fields.score]', caused_by: { type: 'number_format_exception', reason: 'For input string: "x"' } },
};

describe('bulkOutcome', () => {
  describe('when items are applied, conflicting and unparseable', () => {
    it('counts applied and stale, and rejects the bad one with its index, id and reason', () => {
      const outcome = bulkOutcome([ok, conflict, mapping], 3);
      expect(outcome).toMatchObject({ applied: 1, stale: 1 });
      expect(outcome.rejected).toHaveLength(1);
      const [{ item, error } = { item: -1, error: undefined }] = outcome.rejected;
      expect(item).toBe(2);
      expect(error).toMatchObject({ code: 'STORE.REJECTED', retryable: false });
      expect(error?.message).toBe(
        'OpenSearch rejected document c in refract-person-v1: mapper_parsing_exception: failed to parse field [fields.score] (caused by: For input string: "x")',
      );
    });
  });

  describe.each([
    [429, 'STORE.OVERLOADED'],
    [503, 'STORE.UNAVAILABLE'],
    [500, 'STORE.UNAVAILABLE'],
    [404, 'STORE.UNAVAILABLE'],
    [403, 'STORE.UNAVAILABLE'],
  ])('when one item answers %i', (status, code) => {
    it(`throws a retryable ${code} for the whole batch`, () => {
      const item = { status, _index: 'refract-person-v1', _id: 'd', error: { type: 'some_exception', reason: 'busy' } };
      expect(() => bulkOutcome([ok, item, mapping], 3)).toThrow(expect.objectContaining({ code, retryable: true }));
    });
  });

  describe('when the answer has fewer items than the request', () => {
    it('throws a retryable error instead of guessing', () => {
      expect(() => bulkOutcome([ok], 2)).toThrow(expect.objectContaining({ retryable: true }));
    });
  });
});

describe('failureKind', () => {
  it('keeps document errors permanent and cluster errors transient', () => {
    expect([400, 413, 422].map((s) => failureKind(s))).toEqual(['rejected', 'rejected', 'rejected']);
    expect([408, 429, 502, 504].map((s) => failureKind(s))).toEqual(['unavailable', 'overloaded', 'unavailable', 'unavailable']);
  });

  it('treats a 400 that describes the cluster (closed index, block, alias without a write index) as transient', () => {
    expect(failureKind(400, { type: 'index_closed_exception', reason: 'closed' })).toBe('unavailable');
    expect(failureKind(400, { type: 'cluster_block_exception', reason: 'blocked' })).toBe('unavailable');
    expect(failureKind(400, { type: 'illegal_argument_exception', reason: 'no write index is defined for alias [refract-person]' })).toBe('unavailable');
    expect(failureKind(400, { type: 'mapper_parsing_exception', reason: 'failed to parse field [fields.city]' })).toBe('rejected');
  });
});
