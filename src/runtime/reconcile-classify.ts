/**
 * How a store key can differ from the log (docs: reconcile):
 * - `missing`: the log has the entity live; the store has no live element for it (nothing, or a placeholder).
 * - `behind`: the store holds an older version than the log's newest.
 * - `ahead`: the store holds a newer version than any on the log.
 * - `resurrected`: the log's newest event deletes it; the store holds it live.
 * - `tombstoneMissing`: the log's newest event deletes it; the store has no tombstone (nothing, or a placeholder).
 * - `notOnLog`: the store holds a versioned element no event on the log wrote.
 * - `orphanPlaceholder`: a placeholder (version 0) no live vertex points at and no event wrote.
 */
export const DIVERGENCE_CATEGORIES = ['missing', 'behind', 'ahead', 'resurrected', 'tombstoneMissing', 'notOnLog', 'orphanPlaceholder'] as const;
export type DivergenceCategory = (typeof DIVERGENCE_CATEGORIES)[number];

/** Categories a re-drive of the entity's newest event repairs: each is the store short of the log. */
export const REDRIVABLE: ReadonlySet<DivergenceCategory> = new Set(['missing', 'behind', 'resurrected', 'tombstoneMissing']);

/** What the log says of a key (ExpectedEntry in reconcile-expected.ts). */
export interface ExpectedView {
  readonly version: number;
  readonly tombstone: boolean;
  readonly conflict?: boolean;
  readonly deletedAt?: number;
  readonly referenced?: boolean;
}

export interface StoredState {
  readonly version: number;
  readonly deleted: boolean;
}

/**
 * One key, the log's view against the store's; undefined when they agree. `purgedBefore`: a
 * tombstone deleted before it may have been purged on purpose (`graph purge`), so its absence,
 * or the placeholder purge leaves where live vertices still point, is no divergence.
 */
export function classify(
  expected: ExpectedView | undefined, stored: StoredState | undefined, purgedBefore?: number,
): DivergenceCategory | undefined {
  const onLog = expected !== undefined && expected.version > 0;
  const purged = onLog && expected.tombstone && purgedBefore !== undefined && (expected.deletedAt ?? Infinity) < purgedBefore;
  if (!stored) {
    if (!onLog) return undefined;
    if (expected.tombstone) return purged ? undefined : 'tombstoneMissing';
    return 'missing';
  }
  const placeholder = stored.version === 0 && !stored.deleted;
  if (!onLog) {
    if (placeholder) return expected?.referenced ? undefined : 'orphanPlaceholder';
    return 'notOnLog';
  }
  if (stored.version > expected.version) return 'ahead';
  if (stored.version === expected.version && (stored.deleted === expected.tombstone || expected.conflict)) return undefined;
  if (expected.tombstone) {
    if (stored.deleted) return 'behind';
    if (placeholder) return purged ? undefined : 'tombstoneMissing';
    return 'resurrected';
  }
  if (placeholder || (stored.deleted && stored.version === expected.version)) return 'missing';
  return 'behind';
}
