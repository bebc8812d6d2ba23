import { describe, expect, it } from 'vitest';
import { bucketRange, decodeCursor, encodeCursor, MAX_SPAN, nextSpan } from '../../../src/adapters/janusgraph/bucket-walk.ts';
import { bucketOf, BUCKETS } from '../../../src/adapters/janusgraph/graph-buckets.ts';

describe('bucketOf', () => {
  describe('when the same id is hashed again, by any writer', () => {
    it('gives the bucket stored with its vertex: the values are part of the data format', () => {
      // Changing the hash would strand every stored vertex in the wrong bucket (docs/adr/0010).
      // The values were computed apart from this code, from the documented FNV-1a and fmix32.
      expect(['', 'a', 'acc', 'acc-000001', 'p-42', 'Ünïcødé'].map(bucketOf)).toEqual([3083, 435, 3512, 4022, 2576, 1411]);
    });
  });

  describe('when many sequential ids are hashed', () => {
    it('spreads them evenly over the buckets', () => {
      const counts = new Array<number>(BUCKETS).fill(0);
      for (let i = 0; i < 40 * BUCKETS; i++) counts[bucketOf(`acc-${String(i).padStart(7, '0')}`)]! += 1;
      expect(Math.min(...counts)).toBeGreaterThan(10);
      expect(Math.max(...counts)).toBeLessThan(80);
    });
  });
});

describe('nextSpan', () => {
  describe('when a range held far fewer vertices than the target', () => {
    it('grows at most eightfold per step and never past MAX_SPAN', () => {
      expect(nextSpan(1, 0, 2_000)).toBe(8);
      expect(nextSpan(64, 10, 2_000)).toBe(MAX_SPAN);
    });
  });

  describe('when a range held more than the target', () => {
    it('shrinks to the span that fits the target, down to a single bucket', () => {
      expect(nextSpan(100, 4_000, 2_000)).toBe(50);
      expect(nextSpan(4, 1_000_000, 2_000)).toBe(1);
    });
  });
});

describe('bucketRange', () => {
  it('stops at the last bucket', () => {
    expect(bucketRange(BUCKETS - 2, 8)).toEqual([BUCKETS - 2, BUCKETS - 1]);
    expect(bucketRange(3, 2)).toEqual([3, 4]);
  });
});

describe('scan cursors', () => {
  describe('when a cursor is passed back', () => {
    it('decodes to what was encoded, with or without a last id', () => {
      for (const cursor of [{ bucket: 0, span: 1 }, { bucket: 4095, span: 256, after: 'acc-1' }]) {
        expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
      }
    });
  });

  describe('when the text is not a cursor of this store', () => {
    it.each(['', 'abc', encodeCursor({ bucket: 0, span: 1 }).slice(2), Buffer.from('[4096,1]').toString('base64url'), Buffer.from('[0,0]').toString('base64url')])(
      'refuses %j',
      (text) => {
        expect(() => decodeCursor(text)).toThrow(/not a scan cursor/);
      },
    );
  });
});
