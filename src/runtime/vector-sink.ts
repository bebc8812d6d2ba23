import { textHash, type VectorCommand, type VectorWrite } from '../domain/index.ts';
import type { Embedder, StoredDocument, VectorStore } from '../ports/index.ts';
import { newestPerKey } from './newest-per-key.ts';
import type { LegSink, SinkResult } from './sink.ts';

/** A text any working model embeds: if this fails too, the embedder is down, not the item. */
const EMBEDDER_PROBE = 'Refract checks that the embedding model answers.';

type Upsert = Extract<VectorCommand, { kind: 'upsert_document' }>;

/** A survivor's fate: a ready write, or an upsert still waiting for its vector. */
type Plan = { readonly positions: number[] } & ({ readonly write: VectorWrite } | { readonly upsert: Upsert; readonly hash: string });

/**
 * The vector leg's sink (docs/adr/0003): one multi-get per index for stored versions and
 * text hashes; stale commands dropped before any model call; the stored vector reused when
 * the hash of text + model is equal; every remaining text embedded in one call; one write.
 * A rebuild writing a new generation passes the live store as `reuseFrom`: a text whose hash
 * the live generation holds takes its vector from there, so a rebuild embeds only changed texts.
 */
export function createVectorSink(
  store: VectorStore, embedder: Embedder, options: { readonly reuseFrom?: VectorStore } = {},
): LegSink<VectorCommand> {
  return {
    async apply(commands): Promise<SinkResult> {
      const { survivors, superseded } = newestPerKey(commands, (c) => `${c.index}\u0000${c.id}`);
      const stored = await lookup(store, survivors.map((s) => s.command));
      let stale = superseded;
      let reused = 0;
      const plans: Plan[] = [];
      for (const { command, positions } of survivors) {
        const existing = stored.get(command.index)?.get(command.id);
        if (existing && existing.version >= command.version) {
          stale += 1; // its superseded positions are already counted in `superseded`
          continue;
        }
        if (command.kind === 'tombstone_document') {
          const { index, id, version, deletedAt } = command;
          plans.push({ write: { kind: 'tombstone', index, id, version, ...(deletedAt === undefined ? {} : { deletedAt }) }, positions });
          continue;
        }
        const hash = textHash(command.text, embedder.modelId);
        if (existing?.embedding && !existing.deleted && existing.textHash === hash) {
          reused += 1;
          plans.push({ write: toIndexWrite(command, hash, embedder.modelId, existing.embedding), positions });
        } else {
          plans.push({ upsert: command, hash, positions });
        }
      }
      if (options.reuseFrom) reused += await reuseLive(options.reuseFrom, plans, embedder.modelId);
      const vectors = await embedOnce(embedder, plans);
      const writes = plans.map((p) => ('write' in p ? p.write : toIndexWrite(p.upsert, p.hash, embedder.modelId, vectorFor(vectors, p.hash))));
      const result = writes.length ? await store.write(writes) : { applied: 0, stale: 0, rejected: [] };
      const rejected = result.rejected.flatMap(({ position, error }) =>
        (plans[position]?.positions ?? []).map((p) => ({ position: p, error })),
      );
      return { ...result, stale: result.stale + stale, rejected, embeddingsComputed: vectors.size, embeddingsReused: reused };
    },
    async check(sample) {
      const first = sample[0];
      if (first) await store.get(first.index, [first.id]);
      const [probe] = await embedder.embed([EMBEDDER_PROBE]);
      if (!probe || probe.length !== embedder.dimension) throw new Error(`the embedder answered the probe text without a ${embedder.dimension}-dimension vector`);
    },
  };
}

async function lookup(store: VectorStore, commands: readonly VectorCommand[]) {
  const idsByIndex = new Map<string, string[]>();
  for (const c of commands) {
    const ids = idsByIndex.get(c.index);
    if (ids) ids.push(c.id);
    else idsByIndex.set(c.index, [c.id]);
  }
  const stored = new Map<string, Map<string, StoredDocument>>();
  for (const [index, ids] of idsByIndex) stored.set(index, await store.get(index, ids));
  return stored;
}

/**
 * Upserts still waiting for a vector take it from the live generation where it holds the same
 * text hash (text + model): one multi-get per index. Replaces those plans in place; returns how many.
 */
async function reuseLive(live: VectorStore, plans: Plan[], modelId: string): Promise<number> {
  const waiting = plans.flatMap((p, at) => ('upsert' in p ? [{ at, upsert: p.upsert, hash: p.hash, positions: p.positions }] : []));
  if (!waiting.length) return 0;
  const stored = await lookup(live, waiting.map((w) => w.upsert));
  let reused = 0;
  for (const w of waiting) {
    const doc = stored.get(w.upsert.index)?.get(w.upsert.id);
    if (!doc?.embedding || doc.deleted || doc.textHash !== w.hash) continue;
    plans[w.at] = { write: toIndexWrite(w.upsert, w.hash, modelId, doc.embedding), positions: w.positions };
    reused += 1;
  }
  return reused;
}

/** Every distinct text still without a vector, embedded in one call; keyed by text hash. */
async function embedOnce(embedder: Embedder, plans: readonly Plan[]): Promise<Map<string, Float32Array>> {
  const texts = new Map<string, string>();
  for (const p of plans) if ('upsert' in p) texts.set(p.hash, p.upsert.text);
  if (!texts.size) return new Map();
  const vectors = await embedder.embed([...texts.values()]);
  if (vectors.length !== texts.size) throw new Error(`embedder returned ${vectors.length} vectors for ${texts.size} texts`);
  return new Map([...texts.keys()].map((hash, i) => [hash, vectors[i] as Float32Array]));
}

function vectorFor(vectors: ReadonlyMap<string, Float32Array>, hash: string): Float32Array {
  const vector = vectors.get(hash);
  if (!vector) throw new Error(`no vector was computed for text hash ${hash}`);
  return vector;
}

function toIndexWrite(command: Upsert, hash: string, modelId: string, embedding: Float32Array): VectorWrite {
  const { index, id, version, fields } = command;
  return { kind: 'index', index, id, version, fields, textHash: hash, modelId, embedding };
}
