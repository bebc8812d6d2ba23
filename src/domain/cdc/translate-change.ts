import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, entityEventSchema, type EntityEvent, type EventType } from '../entity-event.ts';
import { RefractError } from '../errors.ts';
import type { PayloadCatalog } from '../payload-catalog.ts';
import type { ColumnConversion, FieldMapping, TableMapping } from './table-mapping.ts';

/** What a change became: an event to publish, or nothing (a Debezium tombstone, a transaction marker). */
export type Translation = { readonly kind: 'event'; readonly event: EntityEvent } | { readonly kind: 'ignored'; readonly why: string };

const OPS: Readonly<Record<string, EventType>> = { c: 'create', r: 'create', u: 'update', d: 'delete' };

/** The part of Debezium's change envelope the translation reads; everything else is ignored. */
const envelopeSchema = z.object({
  op: z.string(),
  before: z.record(z.string(), z.unknown()).nullish(),
  after: z.record(z.string(), z.unknown()).nullish(),
  ts_ms: z.number().optional(),
  source: z.object({
    db: z.string().optional(),
    schema: z.string(),
    table: z.string(),
    lsn: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    ts_ms: z.number(),
  }),
});

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * One Debezium change event (PostgreSQL, JSON without schemas) → one EntityEvent (docs/adr/0021).
 * Pure and deterministic: the same change always gives the same event, `event_id` included, so
 * a change delivered twice is the same event twice.
 * - The version is the change's own LSN: per row it only grows (a row's changes are serialised
 *   by its lock, and two changes in one transaction have LSNs of their own, unlike the commit
 *   LSN they share).
 * - `c` and snapshot reads `r` are creates, `u` updates, `d` deletes (with an empty payload: the
 *   key comes from `before`); a null value (Debezium's tombstone after a delete) is ignored.
 * - A table no mapping names, an operation it cannot express (truncate, a message), or a row
 *   whose event fails the entity's schema throws a RefractError naming the table, field and value:
 *   the caller dead-letters that change.
 */
export function translateChange(
  value: Uint8Array | null,
  mappings: ReadonlyMap<string, TableMapping>,
  catalog: PayloadCatalog,
): Translation {
  if (value === null || value.byteLength === 0) return { kind: 'ignored', why: 'a tombstone (the delete before it carries the change)' };
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(value));
  } catch (cause) {
    throw new RefractError('CDC.INVALID_CHANGE', `change is not UTF-8 JSON: ${String(cause)}`, { field: '(change)' }, { cause });
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(change)';
    throw new RefractError('CDC.INVALID_CHANGE', `change is not a Debezium envelope: ${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  const change = parsed.data;
  const table = `${change.source.schema}.${change.source.table}`;
  const mapping = mappings.get(table);
  if (!mapping) {
    throw new RefractError('CDC.UNMAPPED_TABLE', `table ${table} has no mapping: map it in the app's cdc tables, or leave it out of the capture`, {
      field: 'source.table', value: table,
    });
  }
  const eventType = OPS[change.op];
  if (!eventType) {
    throw new RefractError('CDC.UNSUPPORTED_CHANGE', `operation "${change.op}" on ${table} has no event: only c, r, u and d do`, { field: 'op', value: change.op });
  }
  const row = eventType === 'delete' ? change.before : change.after;
  if (!row) {
    throw new RefractError('CDC.INVALID_CHANGE', `${change.op} on ${table} without ${eventType === 'delete' ? 'before' : 'after'}`, {
      field: eventType === 'delete' ? 'before' : 'after',
    });
  }
  const entityId = scalarText(row[mapping.key]);
  if (entityId === undefined) {
    throw new RefractError('CDC.INVALID_CHANGE', `${table}: key column ${mapping.key} is missing or not a scalar (got ${JSON.stringify(row[mapping.key])})`, {
      field: mapping.key, value: row[mapping.key] ?? null,
    });
  }
  const payload = eventType === 'delete' ? {} : payloadOf(table, mapping, row);
  const text = eventType === 'delete' || mapping.text === undefined ? undefined : render(mapping.text, payload);
  const lsn = change.source.lsn;
  const event = {
    event_id: changeId(table, entityId, lsn),
    event_type: eventType,
    entity_type: mapping.entityType,
    entity_id: entityId,
    version: lsn,
    occurred_at: new Date(change.source.ts_ms).toISOString(),
    payload,
    ...(text ? { text_for_embedding: text } : {}),
    source: `cdc:${change.source.db ? `${change.source.db}.` : ''}${table}`.slice(0, 128),
    schema_version: CURRENT_SCHEMA_VERSION,
  };
  return { kind: 'event', event: checked(table, event, catalog) };
}

function payloadOf(table: string, mapping: TableMapping, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [field, how] of Object.entries(mapping.fields)) {
    const column = typeof how === 'string' ? how : how.column;
    const value = row[column];
    if (value === null || value === undefined) continue; // a NULL column is an absent (optional) field
    payload[field] = converted(table, field, column, value, how);
  }
  return payload;
}

function converted(table: string, field: string, column: string, value: unknown, how: FieldMapping): unknown {
  if (typeof how === 'string') return value;
  if ('ref' in how) {
    const id = scalarText(value);
    if (id === undefined) throw invalidColumn(table, column, value, `a reference to ${how.ref}`);
    return { entity_type: how.ref, entity_id: id };
  }
  const result = convert(value, how.as);
  if (result === undefined) throw invalidColumn(table, column, value, `${how.as} (for payload field ${field})`);
  return result;
}

const DAY_MS = 86_400_000;

function convert(value: unknown, as: ColumnConversion): unknown {
  switch (as) {
    case 'string':
      return scalarText(value);
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'date':
      if (typeof value === 'string') return value;
      return typeof value === 'number' && Number.isInteger(value) ? new Date(value * DAY_MS).toISOString().slice(0, 10) : undefined;
    case 'datetime':
      if (typeof value === 'string') return value;
      return typeof value === 'number' && Number.isFinite(value) ? new Date(Math.floor(value / 1000)).toISOString() : undefined;
  }
}

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : undefined;

const invalidColumn = (table: string, column: string, value: unknown, expected: string) =>
  new RefractError('EVENT.INVALID', `${table}.${column}: expected ${expected} (got ${JSON.stringify(value)})`, { field: column, value: value as string });

/** `{field}` → the payload field's text (a reference's id); absent fields render empty; blank → no text. */
function render(template: string, payload: Readonly<Record<string, unknown>>): string | undefined {
  const text = template.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (_, name: string) => {
    const value = payload[name];
    if (typeof value === 'object' && value !== null && 'entity_id' in value) return scalarText(value.entity_id) ?? '';
    return scalarText(value) ?? '';
  }).replace(/\s+/g, ' ').trim();
  return text.replace(/^[,;.\s]+|[,;\s]+$/g, '') || undefined;
}

/** A UUID fixed by the change's place (table, row, LSN), shaped as a version-5 UUID. */
function changeId(table: string, entityId: string, lsn: number): string {
  const hex = createHash('sha256').update(`${table}\u0000${entityId}\u0000${lsn}`).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The event as any producer's would be checked: the envelope, then the entity's payload schema. */
function checked(table: string, candidate: Record<string, unknown>, catalog: PayloadCatalog): EntityEvent {
  const envelope = entityEventSchema.safeParse(candidate);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '(event)';
    throw new RefractError('EVENT.INVALID', `${table}: the event's ${field} ${issue?.message ?? 'is invalid'}`, { field, value: JSON.stringify(candidate[field] ?? null) });
  }
  const event = envelope.data;
  const schema = Object.hasOwn(catalog, event.entity_type) ? catalog[event.entity_type] : undefined;
  if (!schema) {
    throw new RefractError('EVENT.UNKNOWN_ENTITY_TYPE', `${table} maps to entity_type "${event.entity_type}", which the app does not know`, {
      field: 'entity_type', value: event.entity_type,
    });
  }
  if (event.event_type !== 'delete') {
    const result = schema.safeParse(event.payload);
    if (!result.success) {
      const issue = result.error.issues[0];
      const key = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const path = [...(issue?.path ?? []), ...(key === undefined ? [] : [key])].map(String).join('.');
      throw new RefractError('EVENT.INVALID', `${table}: payload.${path || '(root)'}: ${issue?.message ?? 'invalid'}`, { field: `payload.${path}` });
    }
  }
  return event;
}
