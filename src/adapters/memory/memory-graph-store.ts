import { emptyResult, type ApplyResult, type GraphCommand } from '../../domain/index.ts';
import type { GraphStore, StoredVertex } from '../../ports/index.ts';
import { versionPage } from './version-page.ts';

/**
 * The reference GraphStore: a map of vertices guarded by version. Edges live on the vertex
 * that owns them; a reverse index answers `sources` without a scan.
 */
export function createMemoryGraphStore(): GraphStore {
  const vertices = new Map<string, StoredVertex>();
  const incoming = new Map<string, Map<string, Set<string>>>(); // target → label → sources

  const link = (vertex: StoredVertex, add: boolean) => {
    for (const edge of vertex.edges) {
      const byLabel = incoming.get(edge.to.id) ?? new Map<string, Set<string>>();
      incoming.set(edge.to.id, byLabel);
      const sources = byLabel.get(edge.label) ?? new Set<string>();
      byLabel.set(edge.label, sources);
      if (add) sources.add(vertex.id);
      else sources.delete(vertex.id);
    }
  };

  const put = (next: StoredVertex) => {
    const previous = vertices.get(next.id);
    if (previous) link(previous, false);
    vertices.set(next.id, next);
    link(next, true);
  };

  const applyOne = (command: GraphCommand, rewriteEqual: boolean): 'applied' | 'stale' => {
    const current = vertices.get(command.id);
    if (current && (rewriteEqual ? current.version > command.version : current.version >= command.version)) return 'stale';
    if (command.kind === 'tombstone_vertex') {
      const { id, version, deletedAt } = command;
      put({ label: current?.label ?? command.label, id, version, deleted: true, deletedAt, properties: {}, edges: [] });
      return 'applied';
    }
    const { label, id, version, properties, edges } = command;
    for (const edge of edges) {
      if (!vertices.has(edge.to.id)) {
        put({ label: edge.to.label, id: edge.to.id, version: 0, deleted: false, properties: {}, edges: [] });
      }
    }
    // A vertex keeps the label it was created with (JanusGraph cannot relabel a vertex).
    put({ label: current?.label ?? label, id, version, deleted: false, properties: { ...properties }, edges: [...edges] });
    return 'applied';
  };

  return {
    apply(commands, options = {}): Promise<ApplyResult> {
      let applied = 0;
      let stale = 0;
      for (const command of commands) {
        if (applyOne(command, options.rewriteEqual ?? false) === 'applied') applied++;
        else stale++;
      }
      return Promise.resolve({ ...emptyResult, applied, stale });
    },
    get(ids) {
      const found = new Map<string, StoredVertex>();
      for (const id of ids) {
        const vertex = vertices.get(id);
        if (vertex) found.set(id, vertex);
      }
      return Promise.resolve(found);
    },
    sources(id, label) {
      const ids = [...(incoming.get(id)?.get(label) ?? [])].filter((s) => vertices.get(s)?.deleted === false);
      return Promise.resolve(ids.sort());
    },
    // Id order with the last id as the cursor: one way to keep the port's exactly-once promise.
    scan: (limit, after) => Promise.resolve(versionPage(vertices, limit, after)),
    purge({ olderThan, onProgress }) {
      let purged = 0;
      for (const [id, vertex] of vertices) {
        const old = vertex.deleted && vertex.deletedAt !== undefined && vertex.deletedAt < olderThan;
        const referenced = [...(incoming.get(id)?.values() ?? [])].some((s) => s.size > 0);
        if (referenced && old) {
          put({ label: vertex.label, id, version: 0, deleted: false, properties: {}, edges: [] });
          purged++;
        } else if (!referenced && (old || (!vertex.deleted && vertex.version === 0))) {
          vertices.delete(id);
          purged++;
        }
      }
      onProgress?.({ purged, done: 1 });
      return Promise.resolve(purged);
    },
    close: () => Promise.resolve(),
    count() {
      let edges = 0;
      let live = 0;
      for (const v of vertices.values()) {
        if (v.deleted) continue;
        live++;
        edges += v.edges.length;
      }
      return Promise.resolve({ vertices: live, edges });
    },
  };
}
