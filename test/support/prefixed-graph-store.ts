import type { GraphCommand, OwnedEdge } from '../../src/domain/index.ts';
import type { GraphStore, StoredVertex } from '../../src/ports/index.ts';

/**
 * A view of a shared graph store in which every id carries `prefix`: tests on one long-lived
 * server stay apart without dropping the graph. `scan` walks the whole store's pages (their
 * cursors are opaque) and lists only this view's ids, so its pages may be short or empty;
 * `count` and `purge` pass through to the whole store. `close` leaves the shared store open.
 */
export function prefixedGraphStore(store: GraphStore, prefix: string): GraphStore {
  const add = (id: string) => `${prefix}${id}`;
  const strip = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  const mapEdge = (edge: OwnedEdge, f: (id: string) => string): OwnedEdge => ({ ...edge, to: { ...edge.to, id: f(edge.to.id) } });
  const inward = (c: GraphCommand): GraphCommand =>
    c.kind === 'upsert_vertex' ? { ...c, id: add(c.id), edges: c.edges.map((e) => mapEdge(e, add)) } : { ...c, id: add(c.id) };
  const outward = (v: StoredVertex): StoredVertex => ({ ...v, id: strip(v.id), edges: v.edges.map((e) => mapEdge(e, strip)) });

  return {
    apply: (commands, options) => store.apply(commands.map(inward), options),
    async get(ids) {
      const found = await store.get(ids.map(add));
      return new Map([...found.values()].map((v) => [strip(v.id), outward(v)]));
    },
    async sources(id, label) {
      return (await store.sources(add(id), label)).map(strip);
    },
    async scan(limit, after) {
      const page = await store.scan(limit, after);
      const items = page.items.filter((i) => i.id.startsWith(prefix)).map((i) => ({ ...i, id: strip(i.id) }));
      return page.next === undefined ? { items } : { items, next: page.next };
    },
    purge: (options) => store.purge(options),
    count: () => store.count(),
    close: () => Promise.resolve(),
  };
}
