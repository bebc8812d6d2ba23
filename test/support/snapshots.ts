import type { GraphStore, StoredVertex, VectorStore } from '../../src/ports/index.ts';
import type { ExpectedDocument, ExpectedVertex } from './oracle.ts';

/** The labels the banking oracle models; other projections' vertices are checked by comparison runs. */
export const BANKING_LABELS: readonly string[] = ['person', 'company', 'account', 'transaction'];

/**
 * A store's state in the oracle's shape, read only through the port (so it works for every
 * adapter): vertices with the given labels (all, when `labels` is null), tombstones with their
 * deletion time. Placeholders no live edge points at are not part of the model.
 */
export async function graphSnapshot(
  store: GraphStore, labels: readonly string[] | null = BANKING_LABELS,
): Promise<Map<string, ExpectedVertex>> {
  const all: StoredVertex[] = [];
  let after: string | undefined;
  do {
    const page = await store.scan(500, after);
    const found = await store.get(page.items.map((i) => i.id));
    all.push(...found.values());
    after = page.next;
  } while (after !== undefined);
  const referenced = new Set(all.filter((v) => !v.deleted).flatMap((v) => v.edges.map((e) => e.to.id)));
  const out = new Map<string, ExpectedVertex>();
  for (const v of all) {
    if (v.version === 0 && !referenced.has(v.id)) continue;
    if (labels && !labels.includes(v.label)) continue;
    const edges = [...v.edges].sort((a, b) => a.label.localeCompare(b.label));
    out.set(v.id, {
      label: v.label, version: v.version, deleted: v.deleted,
      ...(v.deletedAt === undefined ? {} : { deletedAt: v.deletedAt }),
      properties: { ...v.properties }, edges,
    });
  }
  return out;
}

export async function vectorSnapshot(store: VectorStore, indices: readonly string[]): Promise<Map<string, ExpectedDocument>> {
  const out = new Map<string, ExpectedDocument>();
  for (const index of indices) {
    let after: string | undefined;
    do {
      const page = await store.scan(index, 500, after);
      const found = await store.get(index, page.items.map((i) => i.id));
      for (const d of found.values()) {
        out.set(d.id, {
          index: d.index, version: d.version, deleted: d.deleted, fields: { ...d.fields },
          ...(d.deleted || d.textHash === undefined ? {} : { textHash: d.textHash }),
        });
      }
      after = page.next;
    } while (after !== undefined);
  }
  return out;
}
