import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetryable, isRefractError, type ApplyResult, type GraphCommand } from '../../../src/domain/index.ts';
import type { GraphStore } from '../../../src/ports/index.ts';
import { janusGraphUrl, janusStore, rawGraph, runPrefix } from './janusgraph-test-graph.ts';

const prefix = runPrefix('race');
let url = '';
const stores: GraphStore[] = [];

beforeAll(async () => {
  url = await janusGraphUrl();
  stores.push(janusStore(url), janusStore(url));
});

afterAll(async () => {
  const raw = rawGraph(url);
  await raw.dropPrefix(prefix).finally(() => raw.close());
  await Promise.all(stores.map((s) => s.close()));
});

/** Retries retryable failures as the runner does (a short backoff instead of its patience). */
async function applyWithRetries(store: GraphStore, commands: GraphCommand[], codes: string[]): Promise<ApplyResult> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return await store.apply(commands);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      codes.push(isRefractError(error) ? error.code : 'unknown');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
  throw new Error('still failing after 50 attempts');
}

describe('the JanusGraph store', () => {
  describe('when two writers race on the same vertices', () => {
    it('ends with exactly one vertex per id, holding the newest version', async () => {
      const codes: string[] = [];
      const raw = rawGraph(url);
      try {
        for (let round = 0; round < 5; round++) {
          const ids = Array.from({ length: 20 }, (_, i) => `${prefix}${round}-acc-${i}`);
          const owners = [0, 1, 2].map((i) => `${prefix}${round}-owner-${i}`);
          const batch = (version: number): GraphCommand[] => ids.map((id, i) => ({
            kind: 'upsert_vertex', label: 'account', id, version, properties: { status: `v${version}` },
            // Both writers also race to create the placeholder of a shared owner.
            edges: [{ label: 'OWNED_BY', to: { label: 'person', id: owners[i % 3]! }, properties: {} }],
          }));
          const race = async (low: number, high: number) => {
            const [a, b] = await Promise.all([
              applyWithRetries(stores[0]!, batch(low), codes), applyWithRetries(stores[1]!, batch(high), codes),
            ]);
            // In either commit order every command counts once, as applied or stale, and the newer always applies.
            expect(a.applied + a.stale).toBe(ids.length);
            expect(b).toEqual({ applied: ids.length, stale: 0, rejected: [] });
            const wrong = [...(await stores[0]!.get(ids)).values()]
              .filter((v) => v.version !== high || v.properties['status'] !== `v${high}` || v.edges.length !== 1);
            expect(wrong).toEqual([]);
          };
          await race(1, 2); // get-or-create of new ids (the unique index must hold)
          await race(3, 4); // guarded updates of existing ids (no lost update)
          const counts = await raw.physicalCounts(`${prefix}${round}-`);
          expect([...counts.keys()].sort()).toEqual([...ids, ...owners].sort());
          expect([...counts.values()].every((n) => n === 1)).toBe(true);
        }
      } finally {
        await raw.close();
      }
      console.log(`race: retried ${codes.length} times (${[...new Set(codes)].join(', ') || 'no conflict this run'})`);
    });
  });
});
