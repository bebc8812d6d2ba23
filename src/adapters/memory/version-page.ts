import type { Page, VersionEntry } from '../../ports/index.ts';

/** One page of a map's entries in id order, after `after`; `next` only when the page is full. */
export function versionPage(
  entries: ReadonlyMap<string, { readonly version: number; readonly deleted: boolean }>,
  limit: number,
  after?: string,
): Page<VersionEntry> {
  const ids = [...entries.keys()].filter((id) => after === undefined || id > after).sort().slice(0, limit);
  const items = ids.map((id) => ({ id, version: entries.get(id)?.version ?? 0, deleted: entries.get(id)?.deleted ?? false }));
  const last = ids.at(-1);
  return ids.length === limit && last !== undefined ? { items, next: last } : { items };
}
