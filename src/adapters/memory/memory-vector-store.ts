import { RefractError, type ApplyResult, type VectorWrite } from '../../domain/index.ts';
import type { IndexGeneration, SearchHit, StoredDocument, VectorGenerations, VectorStore } from '../../ports/index.ts';
import { versionPage } from './version-page.ts';

type Generations = Map<string, Map<string, StoredDocument>>;

/** A memory store with blue/green generations behind each index name, as OpenSearch has behind its aliases. */
export type MemoryVectorStore = VectorStore & { readonly generations: VectorGenerations };

/** The reference VectorStore: documents per index, version-guarded, exact cosine k-NN. */
export function createMemoryVectorStore(): MemoryVectorStore {
  const storage: Generations = new Map();
  const aliases = new Map<string, string>();
  const liveOf = (index: string) => aliases.get(index) ?? `${index}-v1`;
  const generations: VectorGenerations = {
    prepare(indices) {
      const prepared: IndexGeneration[] = indices.map((index) => {
        const live = liveOf(index);
        const next = `${index}-v${Number(/-v(\d+)$/.exec(live)?.[1] ?? 1) + 1}`;
        storage.set(next, new Map());
        return { index, alias: index, live, next };
      });
      const byIndex = new Map(prepared.map((g) => [g.index, g.next]));
      const store = storeOver(storage, (index) => {
        const next = byIndex.get(index);
        if (!next) throw new RefractError('STORE.FAILED', `the rebuild has no new generation of index ${index}`, { index });
        return next;
      });
      return Promise.resolve({ generations: prepared, store });
    },
    promote(prepared) {
      const moved = prepared.find((g) => liveOf(g.index) !== g.live);
      if (moved) return Promise.reject(new RefractError('STORE.FAILED', `index ${moved.index} moved to ${liveOf(moved.index)} during the rebuild`, { index: moved.index }));
      for (const g of prepared) aliases.set(g.index, g.next);
      return Promise.resolve();
    },
    drop(names) {
      const live = names.find((name) => [...storage.keys()].some((index) => liveOf(index.replace(/-v\d+$/, '')) === name));
      if (live) return Promise.reject(new RefractError('CONFIG.INVALID', `index ${live} is still live: only a generation nothing reads is dropped`, { index: live }));
      for (const name of names) storage.delete(name);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  return { ...storeOver(storage, liveOf), generations };
}

function storeOver(storage: Generations, nameOf: (index: string) => string): VectorStore {
  const docs = (index: string) => {
    const name = nameOf(index);
    let found = storage.get(name);
    if (!found) storage.set(name, (found = new Map<string, StoredDocument>()));
    return found;
  };

  const writeOne = (write: VectorWrite): 'applied' | 'stale' => {
    const current = docs(write.index).get(write.id);
    if (current && current.version >= write.version) return 'stale';
    const { index, id, version } = write;
    if (write.kind === 'tombstone') {
      const { deletedAt } = write;
      docs(index).set(id, { index, id, version, deleted: true, fields: {}, ...(deletedAt === undefined ? {} : { deletedAt }) });
    } else {
      const { fields, textHash, modelId, embedding } = write;
      docs(index).set(id, { index, id, version, deleted: false, fields: { ...fields }, textHash, modelId, embedding });
    }
    return 'applied';
  };

  return {
    get(index, ids) {
      const found = new Map<string, StoredDocument>();
      const all = docs(index);
      for (const id of ids) {
        const doc = all.get(id);
        if (doc) found.set(id, doc);
      }
      return Promise.resolve(found);
    },
    write(writes): Promise<ApplyResult> {
      let applied = 0;
      let stale = 0;
      const rejected: { position: number; error: RefractError }[] = [];
      writes.forEach((write, position) => {
        if (write.kind === 'index' && !write.embedding.some((x) => x !== 0)) {
          const reason = `${write.index}/${write.id}: a zero vector has no direction and is never stored`;
          rejected.push({ position, error: new RefractError('STORE.REJECTED', reason, { field: 'embedding', value: 'zero vector' }) });
        } else if (writeOne(write) === 'applied') applied++;
        else stale++;
      });
      return Promise.resolve({ applied, stale, rejected });
    },
    search(index, vector, k): Promise<SearchHit[]> {
      const hits: SearchHit[] = [];
      for (const doc of docs(index).values()) {
        if (doc.deleted || !doc.embedding) continue;
        hits.push({ id: doc.id, score: cosine(vector, doc.embedding), fields: doc.fields });
      }
      return Promise.resolve(hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, k));
    },
    scan: (index, limit, after) => Promise.resolve(versionPage(docs(index), limit, after)),
    close: () => Promise.resolve(),
    count: (index) => Promise.resolve([...docs(index).values()].filter((d) => !d.deleted).length),
    purge(index, options) {
      const all = docs(index);
      const old = [...all.values()].filter((d) => d.deleted && d.deletedAt !== undefined && d.deletedAt < options.olderThan);
      for (const d of old) all.delete(d.id);
      options.onProgress?.({ purged: old.length, done: 1 });
      return Promise.resolve(old.length);
    },
  };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
