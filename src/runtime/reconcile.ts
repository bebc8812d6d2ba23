import { setTimeout as sleep } from 'node:timers/promises';
import { RefractError } from '../domain/index.ts';
import type { GraphStore, LogReader, Page, VectorStore, VersionEntry } from '../ports/index.ts';
import { classify, REDRIVABLE, type StoredState } from './reconcile-classify.ts';
import { emptyExpectedState, foldLog, markReferences, openReader, type ExpectedEntry, type ExpectedState } from './reconcile-expected.ts';
import { DEFAULT_SETTLE, type ReconcileOptions, type ReconcileReport } from './reconcile-options.ts';
import { divergences, legReport } from './reconcile-report.ts';

export { DIVERGENCE_CATEGORIES, type DivergenceCategory } from './reconcile-classify.ts';
export type { DivergenceSample, LegReconcileReport } from './reconcile-report.ts';
export { repairDivergence, type NotRepairable, type RepairOutcome } from './reconcile-repair.ts';
export { DEFAULT_SETTLE, type ReconcileOptions, type ReconcileProgress, type ReconcileReport } from './reconcile-options.ts';


/**
 * Compares the stores with the log (docs/adr: reconcile). The expected state is the app's own
 * pure projections run over every message on its topics from the earliest, folded into one
 * compact entry per store key (newest version, tombstone or not; no payloads). Each store is
 * then scanned page by page and each entry classified; expected keys the scan never listed are
 * classified after it. What looks divergent is re-checked (store first, then the log's tail)
 * before it is reported.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const { log, app, graph, vectors } = options;
  if (!graph && !vectors) throw new RefractError('CONFIG.INVALID', 'reconcile needs a graph store, a vector store or both to compare with the log', {});
  const pageSize = options.pageSize ?? 500;
  const state = emptyExpectedState({ graph: graph !== undefined, vectors: vectors !== undefined, indices: app.indices.map((i) => i.name) });
  const reader = await openReader(log, app);
  try {
    const progress = options.onProgress;
    await foldLog(state, app, reader, pageSize, (s) => progress?.({ phase: 'log', messages: s.messages, entities: s.entities.size }));
    if (state.graph) markReferences(state.graph);
    const scanned = new Map<string, number>();
    const stores = checkedStores(state, graph, vectors);
    for (const store of stores) {
      const count = await scanStore(store.name, (after) => store.scan(pageSize, after), store.entries, options);
      scanned.set(store.name, count);
      for (const entry of store.entries.values()) {
        if (entry.seen || entry.candidate) continue;
        const category = classify(entry, undefined, options.purgedBefore);
        if (category) Object.assign(entry, { candidate: category, stored: undefined });
      }
    }
    await settleCandidates(state, stores, reader, options, pageSize);
    const samples = options.samples ?? 10;
    const legs = stores.map((s) => legReport(s.leg, s.name, scanned.get(s.name) ?? 0, s.entries, samples, REDRIVABLE));
    const report: ReconcileReport = {
      divergent: legs.some((l) => divergences(l) > 0),
      logEntities: state.entities.size,
      logMessages: state.messages,
      deadLetters: { undecodable: state.undecodable, projectionFailed: state.projectionFailures },
      legs,
    };
    options.logger?.info(`reconcile: ${report.divergent ? 'DIVERGENT' : 'in step with the log'}`, {
      entities: report.logEntities, divergences: Object.fromEntries(legs.map((l) => [l.store, divergences(l)])),
    });
    return report;
  } finally {
    await reader.close();
  }
}

interface CheckedStore {
  readonly leg: 'graph' | 'vector';
  readonly name: string;
  readonly entries: Map<string, ExpectedEntry>;
  scan(limit: number, after?: string): Promise<Page<VersionEntry>>;
  get(ids: readonly string[]): Promise<Map<string, StoredState>>;
}

function checkedStores(state: ExpectedState, graph?: GraphStore, vectors?: VectorStore): CheckedStore[] {
  const stores: CheckedStore[] = [];
  if (graph && state.graph) {
    stores.push({ leg: 'graph', name: 'graph', entries: state.graph, scan: (limit, after) => graph.scan(limit, after), get: (ids) => graph.get(ids) });
  }
  if (!vectors) return stores;
  for (const [index, entries] of state.vectors ?? []) {
    stores.push({
      leg: 'vector', name: index, entries,
      scan: (limit, after) => vectors.scan(index, limit, after),
      get: (ids) => vectors.get(index, ids),
    });
  }
  return stores;
}

/** Scans one store page by page, marking what it lists and noting each entry that looks divergent; returns how many it listed. */
async function scanStore(
  name: string, scanPage: (after?: string) => Promise<Page<VersionEntry>>, entries: Map<string, ExpectedEntry>, options: ReconcileOptions,
): Promise<number> {
  let scanned = 0;
  let after: string | undefined;
  do {
    const page = await scanPage(after);
    for (const item of page.items) {
      scanned++;
      const entry = entries.get(item.id);
      if (entry) entry.seen = true;
      const category = classify(entry, item, options.purgedBefore);
      if (!category) continue;
      const stored = { version: item.version, deleted: item.deleted };
      if (entry) Object.assign(entry, { candidate: category, stored });
      else entries.set(item.id, { version: 0, tombstone: false, seen: true, candidate: category, stored });
    }
    after = page.next;
    options.onProgress?.({ phase: 'scan', store: name, scanned });
  } while (after !== undefined);
  return scanned;
}

/**
 * Re-checks candidates until none is left or the attempts are spent: point-get them from the
 * store, then read the log's tail, then classify again. In that order the store can only be
 * ahead of the expected state if it really is: whatever it held was on the log before the tail
 * was read. A candidate the legs were still writing clears on a later attempt.
 */
async function settleCandidates(
  state: ExpectedState, stores: readonly CheckedStore[], reader: LogReader, options: ReconcileOptions, pageSize: number,
): Promise<void> {
  const settle = options.settle ?? DEFAULT_SETTLE;
  for (let attempt = 1; attempt <= settle.attempts; attempt++) {
    const candidates = stores.reduce((n, s) => n + [...s.entries.values()].filter((e) => e.candidate).length, 0);
    if (!candidates) return;
    options.onProgress?.({ phase: 'settle', attempt, attempts: settle.attempts, candidates });
    await sleep(settle.delayMs);
    for (const store of stores) await pointGet(store, pageSize);
    await reader.extend();
    await foldLog(state, options.app, reader, pageSize);
    if (state.graph) markReferences(state.graph);
    for (const store of stores) {
      for (const entry of store.entries.values()) {
        if (entry.candidate) entry.candidate = classify(entry, entry.stored, options.purgedBefore);
      }
    }
  }
}

async function pointGet(store: CheckedStore, pageSize: number): Promise<void> {
  let chunk: string[] = [];
  const flush = async () => {
    const found = await store.get(chunk);
    for (const id of chunk) {
      const entry = store.entries.get(id);
      const stored = found.get(id);
      if (entry) entry.stored = stored ? { version: stored.version, deleted: stored.deleted } : undefined;
    }
    chunk = [];
  };
  for (const [id, entry] of store.entries) {
    if (!entry.candidate) continue;
    chunk.push(id);
    if (chunk.length >= pageSize) await flush();
  }
  if (chunk.length) await flush();
}
