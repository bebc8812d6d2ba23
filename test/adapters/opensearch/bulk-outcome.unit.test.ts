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
    [429, 'es_rejected_execution_exception', 'STORE.OVERLOADED'],
    [503, 'unavailable_shards_exception', 'STORE.UNAVAILABLE'],
    [500, 'exception', 'STORE.UNAVAILABLE'],
    [404, 'index_not_found_exception', 'STORE.UNAVAILABLE'],
    [403, 'cluster_block_exception', 'STORE.UNAVAILABLE'],
    [429, 'cluster_block_exception', 'STORE.OVERLOADED'],
  ])('when one item answers %i %s', (status, type, code) => {
    it(`throws a retryable ${code} for the whole batch`, () => {
      const item = { status, _index: 'refract-person-v1', _id: 'd', error: { type, reason: 'busy' } };
      expect(() => bulkOutcome([ok, item, mapping], 3)).toThrow(expect.objectContaining({ code, retryable: true }));
    });
  });

  describe.each([401, 403])('when one item answers %i without a cluster block (credentials, permissions)', (status) => {
    it('throws CONFIG.INVALID for the whole batch, naming the server and the setting', () => {
      const item = { status, _index: 'refract-person-v1', _id: 'd', error: { type: 'security_exception', reason: 'no permissions for [indices:data/write/bulk[s]]' } };
      const thrown = catchError(() => bulkOutcome([ok, item], 2, 'https://search.example:9200'));
      expect(thrown).toMatchObject({ code: 'CONFIG.INVALID', retryable: false, details: { field: 'opensearchPassword', server: 'https://search.example:9200' } });
      expect(thrown?.message).toMatch(/https:\/\/search\.example:9200.*opensearchPassword/);
    });
  });

  describe('when one item fails in a way the adapter does not recognise', () => {
    it('throws STORE.FAILED for the batch instead of rejecting that document for good', () => {
      for (const item of [
        { status: 400, _index: 'refract-person-v1', _id: 'd', error: { type: 'some_new_exception', reason: 'what is this' } },
        { status: 404, _index: 'refract-person-v1', _id: 'd', error: { type: 'resource_not_found_exception', reason: 'not the index' } },
        { status: 400, _index: 'refract-person-v1', _id: 'd' },
      ]) {
        expect(() => bulkOutcome([ok, item], 2)).toThrow(expect.objectContaining({ code: 'STORE.FAILED', retryable: false }));
      }
    });
  });

  describe('when the answer has fewer items than the request', () => {
    it('throws a retryable error instead of guessing', () => {
      expect(() => bulkOutcome([ok], 2)).toThrow(expect.objectContaining({ retryable: true }));
    });
  });
});

describe('failureKind', () => {
  it('rejects only a bulk item that is the document\'s own fault', () => {
    for (const type of ['mapper_parsing_exception', 'strict_dynamic_mapping_exception', 'illegal_argument_exception']) {
      expect(failureKind(400, { type }, 'item')).toBe('rejected');
      expect(failureKind(400, { type }, 'request')).toBe('failed');
    }
    expect([413, 422].map((s) => failureKind(s, { type: 'mapper_parsing_exception' }, 'item'))).toEqual(['rejected', 'rejected']);
    expect(failureKind(400, undefined, 'item')).toBe('failed');
  });

  it('keeps cluster errors transient and credentials a configuration error', () => {
    expect([408, 429, 502, 504].map((s) => failureKind(s, undefined, 'request'))).toEqual(['unavailable', 'overloaded', 'unavailable', 'unavailable']);
    expect([401, 403].map((s) => failureKind(s, { type: 'security_exception' }, 'request'))).toEqual(['refused', 'refused']);
    expect(failureKind(403, { type: 'cluster_block_exception', reason: 'index read-only' }, 'item')).toBe('unavailable');
  });

  it('treats a 400 that describes the cluster (closed index, block, alias without a write index) as transient', () => {
    expect(failureKind(400, { type: 'index_closed_exception', reason: 'closed' }, 'item')).toBe('unavailable');
    expect(failureKind(400, { type: 'cluster_block_exception', reason: 'blocked' }, 'item')).toBe('unavailable');
    expect(failureKind(400, { type: 'illegal_argument_exception', reason: 'no write index is defined for alias [refract-person]' }, 'item')).toBe('unavailable');
    expect(failureKind(400, { type: 'mapper_parsing_exception', reason: 'failed to parse field [fields.city]' }, 'item')).toBe('rejected');
  });
});

function catchError(fn: () => unknown): { code?: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error as { code?: string; message: string };
  }
}
