import { decodeEvent, RefractError, type EntityEvent } from '../domain/index.ts';
import type { EventLog, LogReader, ReceivedMessage } from '../ports/index.ts';
import type { App } from '../projections/app.ts';
import type { LegProjection, Target, TargetCommands } from '../projections/projection.ts';
import type { DivergenceCategory } from './reconcile-classify.ts';

/**
 * What the log says one store key should hold: its newest version and whether that is a
 * tombstone, never the payload. The other fields are the reconciliation's bookkeeping.
 */
export interface ExpectedEntry {
  /** Newest version any event gave this key; 0 when no event did (a vertex only pointed at). */
  version: number;
  tombstone: boolean;
  /** Two events of that version disagree on deleted or not (a producer bug): either state is accepted. */
  conflict?: boolean;
  /** A tombstone's delete time (the event's occurred_at, epoch ms). */
  deletedAt?: number;
  /** The entity whose event wrote it, where that is not the key itself (derived vertices and documents). */
  source?: string;
  /** Graph, live: the ids its owned edges point at. */
  refs?: readonly string[];
  /** Graph: a live vertex's newest version points at it, so a placeholder here is expected. */
  referenced?: boolean;
  /** Listed by the store scan. */
  seen?: boolean;
  /** What looked wrong, until the settle re-check clears or confirms it. */
  candidate?: DivergenceCategory;
  /** The store's answer at the last point-get of a candidate; absent: the store has no such key. */
  stored?: { version: number; deleted: boolean } | undefined;
}

/** Expected state of the checked stores: the graph by vertex id, the vector store by index, then id. */
export interface ExpectedState {
  readonly graph?: Map<string, ExpectedEntry>;
  readonly vectors?: Map<string, Map<string, ExpectedEntry>>;
  readonly entities: Set<string>;
  messages: number;
  /** Messages that do not decode: the legs dead-letter them, so they are expected nowhere. */
  undecodable: number;
  /** Events a projection threw on: dead-lettered by the leg too. */
  projectionFailures: number;
}

export function emptyExpectedState(legs: { graph: boolean; vectors: boolean; indices: readonly string[] }): ExpectedState {
  return {
    ...(legs.graph ? { graph: new Map<string, ExpectedEntry>() } : {}),
    ...(legs.vectors ? { vectors: new Map(legs.indices.map((index) => [index, new Map<string, ExpectedEntry>()])) } : {}),
    entities: new Set(), messages: 0, undecodable: 0, projectionFailures: 0,
  };
}

/** Keeps the higher version; at an equal version, notes a disagreement instead of picking a side. */
function fold(map: Map<string, ExpectedEntry>, key: string, next: Omit<ExpectedEntry, 'conflict'>): void {
  const entry = map.get(key);
  if (!entry) {
    map.set(key, { ...next });
    return;
  }
  if (next.version > entry.version) {
    const { version, tombstone, deletedAt, source, refs } = next;
    Object.assign(entry, { version, tombstone, conflict: false, deletedAt, source, refs });
  } else if (next.version === entry.version && next.tombstone !== entry.tombstone) {
    entry.conflict = true;
  }
}

/** Runs one leg's pure projections over an event; a projection that throws fails the event, as on the leg. */
function project<T extends Target>(projections: readonly LegProjection<T>[], event: EntityEvent): TargetCommands[T][] | undefined {
  try {
    return projections.flatMap((p) => (p.handles.includes(event.entity_type) ? p.project(event) : []));
  } catch {
    return undefined;
  }
}

/** Folds one page of log messages into the expected state. */
export function foldMessages(state: ExpectedState, app: App, messages: readonly ReceivedMessage[]): void {
  const graphSide = app.legProjections('graph');
  const vectorSide = app.legProjections('vector');
  for (const message of messages) {
    state.messages++;
    let event: EntityEvent;
    try {
      event = decodeEvent(message.payload, app.catalog);
    } catch {
      state.undecodable++;
      continue;
    }
    state.entities.add(event.entity_id);
    const source = (key: string) => (key === event.entity_id ? {} : { source: event.entity_id });
    const deletedAt = Date.parse(event.occurred_at);
    let failed = false;
    if (state.graph) {
      const commands = project(graphSide, event);
      if (!commands) failed = true;
      for (const c of commands ?? []) {
        fold(state.graph, c.id, c.kind === 'tombstone_vertex'
          ? { version: c.version, tombstone: true, deletedAt: c.deletedAt, ...source(c.id) }
          : { version: c.version, tombstone: false, refs: c.edges.map((e) => e.to.id), ...source(c.id) });
      }
    }
    if (state.vectors) {
      const commands = project(vectorSide, event);
      if (!commands) failed = true;
      for (const c of commands ?? []) {
        const index = state.vectors.get(c.index);
        if (!index) continue;
        const tombstone = c.kind === 'tombstone_document';
        fold(index, c.id, { version: c.version, tombstone, ...(tombstone ? { deletedAt } : {}), ...source(c.id) });
      }
    }
    if (failed) state.projectionFailures++;
  }
}

/** Reads the reader to its current end, a page at a time, folding as it goes. */
export async function foldLog(
  state: ExpectedState, app: App, reader: LogReader, pageSize: number, onPage?: (state: ExpectedState) => void,
): Promise<void> {
  for (let page = await reader.next(pageSize); page.length; page = await reader.next(pageSize)) {
    foldMessages(state, app, page);
    onPage?.(state);
  }
}

/**
 * Marks every key a live vertex's newest version points at, adding an entry of version 0 for a
 * target no event wrote (a placeholder is expected there). Run after each fold: a newer version
 * may point elsewhere.
 */
export function markReferences(graph: Map<string, ExpectedEntry>): void {
  for (const entry of graph.values()) entry.referenced = false;
  const targets: string[] = [];
  for (const entry of graph.values()) if (!entry.tombstone && entry.refs) targets.push(...entry.refs);
  for (const id of targets) {
    const entry = graph.get(id);
    if (entry) entry.referenced = true;
    else graph.set(id, { version: 0, tombstone: false, referenced: true });
  }
}

/** A read of every topic of the app from the earliest message; the log must be able to (both adapters can). */
export async function openReader(log: EventLog, app: App): Promise<LogReader> {
  if (!log.read) throw new RefractError('CONFIG.INVALID', 'this event log cannot read its topics from the earliest message, which reconcile needs', {});
  return log.read({ topics: app.topics });
}
