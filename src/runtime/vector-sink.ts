import { textHash, type VectorCommand, type VectorWrite } from '../domain/index.ts';
import type { Embedder, StoredDocument, VectorStore } from '../ports/index.ts';
import { newestPerKey } from './newest-per-key.ts';
import type { LegSink, SinkResult } from './sink.ts';

type Upsert = Extract<VectorCommand, { kind: 'upsert_document' }>;

/**
 * The vector leg's sink (docs/adr/0003): one multi-get per index for stored versions and
 * text hashes; stale commands dropped before any model call; the stored vector reused when
 * the hash of text + model is equal; every remaining text embedded in one call; one write.
 */
export function createVectorSink(store: VectorStore, embedder: Embedder): LegSink<VectorCommand> {
  return {
    async apply(commands): Promise<SinkResult> {
      const { survivors, superseded } = newestPerKey(commands, (c) => `${c.index}\u0000${c.id}`);
      const stored = await lookup(store, survivors.map((s) => s.command));
      let stale = superseded;
      let reused = 0;
      const planned: { write: VectorWrite | Upsert; positions: number[]; hash?: string }[] = [];
      for (const { command, positions } of survivors) {
        const existing = stored.get(command.index)?.get(command.id);
        if (existing && existing.version >= command.version) {
          stale += 1; // its superseded positions are already counted in `superseded`
          continue;
        }
        if (command.kind === 'tombstone_document') {
          const { index, id, version } = command;
          planned.push({ write: { kind: 'tombstone', index, id, version }, positions });
          continue;
        }
        const hash = textHash(command.text, embedder.modelId);
        if (existing?.embedding && !existing.deleted && existing.textHash === hash) {
          reused += 1;
          planned.push({ write: toIndexWrite(command, hash, embedder.modelId, existing.embedding), positions });
        } else {
          planned.push({ write: command, positions, hash });
        }
      }
      const computed = await embedMissing(embedder, planned);
      const writes = planned.map((p) => p.write as VectorWrite);
      const result = writes.length ? await store.write(writes) : { applied: 0, stale: 0, rejected: [] };
      const rejected = result.rejected.flatMap(({ position, error }) =>
        (planned[position]?.positions ?? []).map((p) => ({ position: p, error })),
      );
      return { ...result, stale: result.stale + stale, rejected, embeddingsComputed: computed, embeddingsReused: reused };
    },
  };
}

async function lookup(store: VectorStore, commands: readonly VectorCommand[]) {
  const idsByIndex = new Map<string, string[]>();
  for (const c of commands) idsByIndex.set(c.index, [...(idsByIndex.get(c.index) ?? []), c.id]);
  const stored = new Map<string, Map<string, StoredDocument>>();
  for (const [index, ids] of idsByIndex) stored.set(index, await store.get(index, ids));
  return stored;
}

/** Embeds each distinct text once, in one call, and turns the planned upserts into writes. */
async function embedMissing(
  embedder: Embedder,
  planned: { write: VectorWrite | Upsert; hash?: string }[],
): Promise<number> {
  const pending = planned.filter((p): p is { write: Upsert; hash: string } => p.write.kind === 'upsert_document');
  if (!pending.length) return 0;
  const texts = new Map<string, string>();
  for (const p of pending) texts.set(p.hash, p.write.text);
  const vectors = await embedder.embed([...texts.values()]);
  const byHash = new Map([...texts.keys()].map((hash, i) => [hash, vectors[i]]));
  for (const p of pending) {
    const vector = byHash.get(p.hash);
    if (!vector) throw new Error(`embedder returned ${vectors.length} vectors for ${texts.size} texts`);
    (p as { write: VectorWrite | Upsert }).write = toIndexWrite(p.write, p.hash, embedder.modelId, vector);
  }
  return texts.size;
}

function toIndexWrite(command: Upsert, hash: string, modelId: string, embedding: Float32Array): VectorWrite {
  const { index, id, version, fields } = command;
  return { kind: 'index', index, id, version, fields, textHash: hash, modelId, embedding };
}
