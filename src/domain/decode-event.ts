import type { z } from 'zod';
import { entityEventSchema, type EntityEvent } from './entity-event.ts';
import { RefractError } from './errors.ts';
import { DEFAULT_LIMITS, type EventLimits } from './limits.ts';
import type { PayloadCatalog } from './payload-catalog.ts';
import { upcast } from './upcast.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Bytes from the log → a valid, current EntityEvent, or a permanent RefractError that names
 * the bad field and value. Never returns a half-valid event.
 */
export function decodeEvent(
  bytes: Uint8Array,
  catalog: PayloadCatalog,
  limits: EventLimits = DEFAULT_LIMITS,
): EntityEvent {
  if (bytes.byteLength > limits.maxEventBytes) {
    throw new RefractError('EVENT.OVERSIZE', `event is ${bytes.byteLength} bytes, limit is ${limits.maxEventBytes}`, {
      field: '(event)',
      value: bytes.byteLength,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new RefractError('EVENT.MALFORMED_JSON', `event is not valid UTF-8 JSON: ${String(cause)}`, { field: '(event)' }, { cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RefractError('EVENT.INVALID', 'event must be a JSON object', { field: '(event)', value: preview(raw) });
  }
  const event = check(entityEventSchema, upcast(raw as Record<string, unknown>), '');
  const payloadSchema = Object.hasOwn(catalog, event.entity_type) ? catalog[event.entity_type] : undefined;
  if (!payloadSchema) {
    throw new RefractError('EVENT.UNKNOWN_ENTITY_TYPE', `entity_type "${event.entity_type}" is not known`, {
      field: 'entity_type',
      value: event.entity_type,
      known: Object.keys(catalog),
    });
  }
  if (event.event_type !== 'delete') check(payloadSchema, event.payload, 'payload.');
  return event;
}

function check<T>(schema: z.ZodType<T>, input: unknown, prefix: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown key is reported on its parent object; name the key itself.
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = [...(issue?.path ?? []), ...(unknownKey === undefined ? [] : [unknownKey])];
  const field = prefix + (path.length ? path.map(String).join('.') : '(root)');
  const value = valueAt(input, path);
  throw new RefractError('EVENT.INVALID', `${field}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(preview(value))})`, {
    field,
    value: preview(value),
    issues: result.error.issues.length,
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Keep error details small: a dead letter must not double the size of a 1 MiB event. */
function preview(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 120) return `${value.slice(0, 117)}...`;
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : value;
  }
  return value;
}

/** The encoding producers use; the inverse of decodeEvent's parsing step. */
export const encodeEvent = (event: EntityEvent): Uint8Array => encoder.encode(JSON.stringify(event));
