import type { GraphStore, Page, VectorStore, VersionEntry } from '../../src/ports/index.ts';

/**
 * Views of a shared store whose `scan` lists exactly the given ids (in id order), so the
 * snapshot helpers read a known set of entities on a server other tests also use, without
 * relying on how the store itself orders a scan. Everything else passes through.
 */
export function listedGraphStore(store: GraphStore, ids: Iterable<string>): GraphStore {
  const sorted = [...new Set(ids)].sort();
  return { ...store, scan: (limit, after) => Promise.resolve(page(sorted, limit, after)), close: () => Promise.resolve() };
}

/** As listedGraphStore, per index; `prefix` is added to every id going in and removed coming out. */
export function listedVectorStore(store: VectorStore, idsByIndex: Readonly<Record<string, Iterable<string>>>, prefix: string): VectorStore {
  const sorted = Object.fromEntries(Object.entries(idsByIndex).map(([index, ids]) => [index, [...new Set(ids)].sort()]));
  return {
    ...store,
    scan: (index, limit, after) => Promise.resolve(page(sorted[index] ?? [], limit, after)),
    async get(index, ids) {
      const found = await store.get(index, ids.map((id) => prefix + id));
      return new Map([...found.values()].map((d) => [d.id.slice(prefix.length), { ...d, id: d.id.slice(prefix.length) }]));
    },
    close: () => Promise.resolve(),
  };
}

function page(sorted: readonly string[], limit: number, after?: string): Page<VersionEntry> {
  const rest = after === undefined ? sorted : sorted.filter((id) => id > after);
  const items = rest.slice(0, limit).map((id) => ({ id, version: 0, deleted: false }));
  return rest.length > limit && items.length > 0 ? { items, next: items[items.length - 1]!.id } : { items };
}
