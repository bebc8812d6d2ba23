import { DIVERGENCE_CATEGORIES, type DivergenceCategory, type StoredState } from './reconcile-classify.ts';
import type { ExpectedEntry } from './reconcile-expected.ts';

/** One divergent key, as an operator reads it. */
export interface DivergenceSample {
  readonly id: string;
  /** The entity whose newest event a re-drive republishes (the id itself for an entity's own vertex or document). */
  readonly entity?: string;
  /** The log's newest version and whether it deletes; absent when no event wrote this key. */
  readonly log?: StoredState;
  /** What the store holds; absent when it holds nothing under this key. */
  readonly store?: StoredState;
}

/** One store checked: the graph, or one vector index. */
export interface LegReconcileReport {
  readonly leg: 'graph' | 'vector';
  /** `graph`, or the index name. */
  readonly store: string;
  /** Entries the store scan listed. */
  readonly scanned: number;
  /** Keys the log's newest events write in this store. */
  readonly expected: number;
  readonly counts: Readonly<Record<DivergenceCategory, number>>;
  readonly samples: Readonly<Record<DivergenceCategory, readonly DivergenceSample[]>>;
  /** Entities whose newest event a re-drive would bring this store up to (categories in REDRIVABLE). */
  readonly redrive: readonly string[];
}

/** Gathers one store's confirmed divergences into counts, a few samples each, and the entities to re-drive. */
export function legReport(
  leg: 'graph' | 'vector', store: string, scanned: number, entries: Map<string, ExpectedEntry>,
  samples: number, redrivable: ReadonlySet<DivergenceCategory>,
): LegReconcileReport {
  const counts = Object.fromEntries(DIVERGENCE_CATEGORIES.map((c) => [c, 0])) as Record<DivergenceCategory, number>;
  const picked = Object.fromEntries(DIVERGENCE_CATEGORIES.map((c) => [c, [] as DivergenceSample[]])) as
    Record<DivergenceCategory, DivergenceSample[]>;
  const redrive = new Set<string>();
  let expected = 0;
  for (const [id, entry] of entries) {
    if (entry.version > 0) expected++;
    const category = entry.candidate;
    if (!category) continue;
    counts[category]++;
    const entity = entry.version > 0 ? entry.source ?? id : undefined;
    if (entity !== undefined && redrivable.has(category)) redrive.add(entity);
    if (picked[category].length < samples) {
      picked[category].push({
        id,
        ...(entity === undefined ? {} : { entity }),
        ...(entry.version > 0 ? { log: { version: entry.version, deleted: entry.tombstone } } : {}),
        ...(entry.stored ? { store: entry.stored } : {}),
      });
    }
  }
  return { leg, store, scanned, expected, counts, samples: picked, redrive: [...redrive] };
}

/**
 * Divergences in a leg report, all categories together but orphan placeholders: the graph leaves
 * them behind in normal operation, depending on arrival order (docs/adr/0002), reads ignore them
 * and `graph purge` removes them, so they are housekeeping, reported but no divergence.
 */
export const divergences = (report: LegReconcileReport) =>
  Object.entries(report.counts).reduce((sum, [category, n]) => sum + (category === 'orphanPlaceholder' ? 0 : n), 0);
