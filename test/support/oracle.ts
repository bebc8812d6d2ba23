import { createHash } from 'node:crypto';
import type { EntityEvent, OwnedEdge, PropertyValue } from '../../src/domain/index.ts';

/** The documented text hash (docs/adr/0003), computed here without the code under test. */
const textHash = (text: string, modelId: string) => createHash('sha256').update(`${modelId}\u0000${text}`).digest('hex');

/**
 * The independent model the stores are checked against: for each entity, the event with the
 * highest version, mapped by hand-written tables. It shares no code with the projections.
 */
export function newestPerEntity(events: readonly EntityEvent[]): Map<string, EntityEvent> {
  const newest = new Map<string, EntityEvent>();
  for (const e of events) {
    const current = newest.get(e.entity_id);
    if (!current || e.version > current.version) newest.set(e.entity_id, e);
  }
  return newest;
}

export interface ExpectedVertex {
  label: string;
  version: number;
  deleted: boolean;
  /** A tombstone's deletion time: its delete event's occurred_at, in epoch ms. */
  deletedAt?: number;
  properties: Record<string, PropertyValue>;
  edges: OwnedEdge[];
}

const EDGES: Record<string, [field: string, label: string][]> = {
  person: [['employer', 'EMPLOYED_BY']],
  account: [['owner', 'OWNED_BY']],
  transaction: [['from_account', 'FROM'], ['to_account', 'TO']],
  company: [],
};
const EDGE_PROPS: Record<string, string[]> = { transaction: ['amount', 'currency', 'booked_at'] };

export function expectedGraph(events: readonly EntityEvent[]): Map<string, ExpectedVertex> {
  const out = new Map<string, ExpectedVertex>();
  for (const [id, e] of newestPerEntity(events)) {
    if (e.event_type === 'delete') {
      out.set(id, {
        label: e.entity_type, version: e.version, deleted: true, deletedAt: new Date(e.occurred_at).getTime(), properties: {}, edges: [],
      });
      continue;
    }
    const refFields = new Set((EDGES[e.entity_type] ?? []).map(([f]) => f));
    const properties = Object.fromEntries(
      Object.entries(e.payload).filter(([k, v]) => !refFields.has(k) && v !== undefined),
    ) as Record<string, PropertyValue>;
    const edgeProps = Object.fromEntries((EDGE_PROPS[e.entity_type] ?? []).map((k) => [k, e.payload[k]])) as Record<string, PropertyValue>;
    const edges = (EDGES[e.entity_type] ?? []).flatMap(([field, label]) => {
      const target = e.payload[field] as { entity_type: string; entity_id: string } | undefined;
      return target ? [{ label, to: { label: target.entity_type, id: target.entity_id }, properties: edgeProps }] : [];
    });
    out.set(id, {
      label: e.entity_type, version: e.version, deleted: false, properties, edges: edges.sort((a, b) => a.label.localeCompare(b.label)),
    });
  }
  for (const v of [...out.values()]) {
    for (const edge of v.edges) {
      if (!out.has(edge.to.id)) out.set(edge.to.id, { label: edge.to.label, version: 0, deleted: false, properties: {}, edges: [] });
    }
  }
  return out;
}

export interface ExpectedDocument {
  index: string;
  version: number;
  deleted: boolean;
  fields: Record<string, PropertyValue>;
  textHash?: string;
}

const DOC_FIELDS: Record<string, string[]> = {
  person: ['full_name', 'occupation', 'city', 'nationality', 'risk_rating'],
  company: ['legal_name', 'industry', 'city', 'country'],
};

export function expectedDocuments(events: readonly EntityEvent[], modelId: string): Map<string, ExpectedDocument> {
  const out = new Map<string, ExpectedDocument>();
  for (const [id, e] of newestPerEntity(events)) {
    const fieldNames = DOC_FIELDS[e.entity_type];
    if (!fieldNames) continue;
    if (e.event_type === 'delete' || !e.text_for_embedding?.trim()) {
      out.set(id, { index: e.entity_type, version: e.version, deleted: true, fields: {} });
      continue;
    }
    const fields: Record<string, PropertyValue> = { entity_type: e.entity_type };
    for (const f of fieldNames) if (e.payload[f] !== undefined) fields[f] = e.payload[f] as PropertyValue;
    out.set(id, { index: e.entity_type, version: e.version, deleted: false, fields, textHash: textHash(e.text_for_embedding, modelId) });
  }
  return out;
}
