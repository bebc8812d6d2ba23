import type { GraphCommand } from '../domain/index.ts';
import type { ApplyOptions, GraphStore } from '../ports/index.ts';
import { newestPerKey } from './newest-per-key.ts';
import type { LegSink, SinkResult } from './sink.ts';

/**
 * The graph leg's sink: newest command per vertex, one batched, guarded store write. A rebuild
 * passes `rewriteEqual`, so the newest event rewrites its vertex under a changed mapping.
 */
export function createGraphSink(store: GraphStore, options: ApplyOptions = {}): LegSink<GraphCommand> {
  return {
    async apply(commands): Promise<SinkResult> {
      const { survivors, superseded } = newestPerKey(commands, (c) => c.id);
      const result = await store.apply(survivors.map((s) => s.command), options);
      const rejected = result.rejected.flatMap(({ position, error }) =>
        (survivors[position]?.positions ?? []).map((p) => ({ position: p, error })),
      );
      return { ...result, stale: result.stale + superseded, rejected, embeddingsComputed: 0, embeddingsReused: 0 };
    },
    async check(sample) {
      await store.get(sample.slice(0, 1).map((c) => c.id));
    },
  };
}
