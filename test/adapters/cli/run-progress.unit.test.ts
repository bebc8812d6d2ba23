import { describe, expect, it } from 'vitest';
import { legProgress } from '../../../src/adapters/cli/commands/run-progress.ts';

describe("refract run's progress line", () => {
  it("names each leg's own count, not their sum under one leg's name", () => {
    const progress = legProgress(['graph', 'vector'], 100);
    expect(progress.add('graph', 60)).toBeUndefined();
    expect(progress.add('vector', 70)).toBeUndefined();
    expect(progress.add('graph', 50)).toBe('received so far: graph leg 110, vector leg 70');
    expect(progress.received()).toEqual({ graph: 110, vector: 70 });
  });

  it('is due once each time a leg passes another multiple, even in one large batch', () => {
    const progress = legProgress(['graph', 'vector'], 100);
    const lines = [progress.add('vector', 99), progress.add('vector', 1), progress.add('vector', 99), progress.add('vector', 250)];
    expect(lines).toEqual([undefined, 'received so far: graph leg 0, vector leg 100', undefined, 'received so far: graph leg 0, vector leg 449']);
  });
});
