import { createHash } from 'node:crypto';
import { gremlinClient } from './gremlin-client.ts';
import type { Fingerprint } from './stack-fingerprint.ts';

/** Counting stops here: past it the count reads `>= 100000`, so the guard stays quick on a big graph. */
const COUNT_CAP = 100_000;
/** Vertices whose full state is hashed; a purge or an overwrite among them shows one by one. */
const SAMPLE = 200;
const TIMEOUT_MS = 60_000;

/**
 * A JanusGraph's vertex and edge counts (capped) and a hash of each of a fixed sample of
 * vertices (label and every property). `sampleIds` comes from an earlier reading, so the
 * second reading looks at the same vertices; without it the first `SAMPLE` vertices are taken.
 * Bytecode reads only: nothing here can write.
 */
export async function janusgraphFingerprint(
  gremlinUrl: string, sampleIds?: readonly unknown[],
): Promise<Fingerprint & { sampleIds: unknown[] }> {
  const { g, __, t, close } = gremlinClient(gremlinUrl);
  try {
    return await withTimeout((async () => {
      const facts: Record<string, string> = {};
      const [vertices] = await g.V().limit(COUNT_CAP).count().toList();
      const [edges] = await g.E().limit(COUNT_CAP).count().toList();
      facts['vertices'] = capped(vertices);
      facts['edges'] = capped(edges);
      const sample = sampleIds ? g.V(...sampleIds) : g.V().limit(SAMPLE);
      const rows = await sample.project('id', 'label', 'properties').by(t.id).by(__.label()).by(__.valueMap()).toList();
      const ids: unknown[] = sampleIds ? [...sampleIds] : [];
      for (const row of rows.map(plain) as { id: unknown; label: unknown; properties: unknown }[]) {
        if (!sampleIds) ids.push(row.id);
        facts[`vertex ${String(row.id)}`] = createHash('sha256').update(JSON.stringify([row.label, sorted(row.properties)])).digest('hex').slice(0, 16);
      }
      return { target: `janusgraph at ${gremlinUrl}`, facts, sampleIds: ids };
    })(), TIMEOUT_MS, `reading JanusGraph at ${gremlinUrl}`);
  } finally {
    await close().catch(() => undefined);
  }
}

const capped = (count: unknown) => (Number(count) >= COUNT_CAP ? `>= ${COUNT_CAP}` : String(count));

/** The driver answers Maps; JSON needs plain objects, with keys in a fixed order. */
function plain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function sorted(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
