import { describe, expect, it } from 'vitest';
import { keyOrderViolations } from './key-order.ts';
import type { Receipt } from './receipts.ts';

const KILLED_AT = 1_000;
/** Receipts of key k on the graph leg: [process, version, time]. */
const receipts = (...rows: [string, number, number][]): Receipt[] =>
  rows.map(([process, version, time], seq) => ({ process, leg: 'graph', key: 'k', version, time, seq }));

describe('keyOrderViolations', () => {
  it('accepts one consumer per key in publish order, and the dead one\'s tail read again by one survivor after the kill', () => {
    expect(keyOrderViolations(receipts(['dead', 1, 10], ['dead', 2, 20], ['dead', 3, 30], ['a', 2, 1_100], ['a', 3, 1_100], ['a', 4, 1_200]), 'dead', KILLED_AT)).toEqual([]);
    expect(keyOrderViolations(receipts(['a', 1, 10], ['a', 1, 20], ['a', 2, 1_500]), 'dead', KILLED_AT)).toEqual([]);
  });

  it('rejects a process that receives a key out of publish order', () => {
    expect(keyOrderViolations(receipts(['a', 2, 10], ['a', 1, 20]), 'dead', KILLED_AT)).toHaveLength(2);
  });

  it('rejects an older version received after another survivor\'s newer one', () => {
    expect(keyOrderViolations(receipts(['a', 1, 10], ['a', 2, 20], ['b', 1, 1_100]), 'dead', KILLED_AT)).toEqual(['graph k: b received v1 after a v2']);
  });

  it('rejects a step back before the kill, or one by the dead process itself', () => {
    expect(keyOrderViolations(receipts(['dead', 1, 10], ['dead', 2, 20], ['a', 1, 30]), 'dead', KILLED_AT)).toEqual(['graph k: a received v1 after dead v2']);
    expect(keyOrderViolations(receipts(['a', 1, 10], ['a', 2, 20], ['dead', 1, 30]), 'dead', KILLED_AT)).toEqual(['graph k: dead received v1 after a v2']);
  });

  it('rejects the dead process\'s tail going to two survivors', () => {
    expect(keyOrderViolations(receipts(['dead', 1, 10], ['dead', 2, 20], ['a', 1, 1_100], ['b', 2, 1_200]), 'dead', KILLED_AT)).toEqual(['graph k: the dead process\'s messages went again to a and b']);
  });
});
