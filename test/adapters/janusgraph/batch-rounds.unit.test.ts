import { describe, expect, it } from 'vitest';
import { intoRounds, chunkedByWeight } from '../../../src/adapters/janusgraph/batch-rounds.ts';
import type { GraphCommand } from '../../../src/domain/index.ts';

const tomb = (id: string, version: number): GraphCommand => ({ kind: 'tombstone_vertex', label: 'person', id, version, deletedAt: 0 });

describe('intoRounds', () => {
  describe('when a batch holds several commands for one id', () => {
    it('puts each into its own round, in batch order, and keeps distinct ids together', () => {
      const batch = [tomb('a', 1), tomb('b', 1), tomb('a', 3), tomb('c', 1), tomb('a', 2)].map((command, position) => ({ position, command }));
      expect(intoRounds(batch).map((round) => round.map((p) => `${p.command.id}${p.command.version}@${p.position}`)))
        .toEqual([['a1@0', 'b1@1', 'c1@3'], ['a3@2'], ['a2@4']]);
    });
  });
});

describe('chunkedByWeight', () => {
  describe('when items are heavy', () => {
    it('starts a new slice before the weight or the count would be exceeded, and puts an overweight item alone', () => {
      const slices = chunkedByWeight([3, 3, 3, 9, 1, 1, 1, 1], 3, 6, (n) => n);
      expect(slices).toEqual([[3, 3], [3], [9], [1, 1, 1], [1]]);
    });
  });
});
