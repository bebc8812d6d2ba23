import { RefractError, type ApplyResult, type VectorWrite } from '../../domain/index.ts';
import type { SearchHit, StoredDocument, VectorStore } from '../../ports/index.ts';
import { versionPage } from './version-page.ts';

/** The reference VectorStore: documents per index, version-guarded, exact cosine k-NN. */
export function createMemoryVectorStore(): VectorStore {
  const indices = new Map<string, Map<string, StoredDocument>>();
  const docs = (index: string) => {
    let found = indices.get(index);
    if (!found) indices.set(index, (found = new Map<string, StoredDocument>()));
    return found;
  };

  const writeOne = (write: VectorWrite): 'applied' | 'stale' => {
    const current = docs(write.index).get(write.id);
    if (current && current.version >= write.version) return 'stale';
    const { index, id, version } = write;
    if (write.kind === 'tombstone') {
      docs(index).set(id, { index, id, version, deleted: true, fields: {} });
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
