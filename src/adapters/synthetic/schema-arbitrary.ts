import fc from 'fast-check';
import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, encodeEvent, type EntityEvent, type EntityRef } from '../../domain/index.ts';
import type { App } from '../../projections/app.ts';
import { seededRandom } from '../memory/seeded-random.ts';
import { uuidFrom, type GeneratorOptions } from './banking-generator.ts';
import type { GeneratedMessage } from './generated-message.ts';

/**
 * Synthetic data for any application, derived from its payload schemas alone (docs/adr/0016):
 * the walker reads a zod v4 schema's definition and builds a fast-check arbitrary of values
 * that schema accepts. What it does not understand it refuses, naming the field and the zod
 * type, and every payload it makes is checked against the schema before anyone sees it: it
 * never hands out data the schema would reject.
 */

/** References to other entities: given the types a reference may name, the refs to draw from. */
export type RefArbitrary = (types: readonly string[]) => fc.Arbitrary<EntityRef>;

export interface PayloadArbitraryOptions {
  /** Put before every field path in errors (the entity type, say). */
  readonly path?: string;
}

/** A zod schema as the walker sees it: its definition and, for object fields, whether the key may be absent. */
interface Node {
  readonly _zod: { readonly def: Def; readonly optin?: 'optional' };
}
interface Def {
  readonly type: string;
  readonly checks?: readonly Node[];
  readonly check?: string;
  readonly [key: string]: unknown;
}
/** A check's definition (min_length, string_format, greater_than, custom, ...). */
interface CheckDef {
  readonly check: string;
  readonly [key: string]: unknown;
}

const nodeOf = (schema: unknown): Node => schema as Node;
const defOf = (schema: unknown): Def => nodeOf(schema)._zod.def;
const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def as unknown as CheckDef);

/** The walker met something it cannot generate for; `path` names the field. */
export class UnsupportedSchemaError extends Error {
  constructor(readonly path: string, readonly zodType: string, detail = '') {
    super(`cannot generate ${path || '(root)'}: zod type "${zodType}"${detail ? ` ${detail}` : ''} is not supported by the schema-driven generator`);
    this.name = 'UnsupportedSchemaError';
  }
}

/** Draws every ref from one pool of ids per entity type; a type the pool lacks gets `<type>-1`. */
export const refsFromPool = (pool: Readonly<Record<string, readonly string[]>>): RefArbitrary => (types) => {
  const known = types.filter((t) => (pool[t]?.length ?? 0) > 0);
  if (known.length === 0) return fc.constantFrom(...types).map((t) => ({ entity_type: t, entity_id: `${t}-1` }));
  return fc.constantFrom(...known).chain((t) => fc.constantFrom(...(pool[t] ?? [])).map((entity_id) => ({ entity_type: t, entity_id })));
};

/** The default pool: three ids per type, `<type>-1` to `<type>-3`. */
const defaultRefs: RefArbitrary = (types) =>
  fc.constantFrom(...types).chain((t) => fc.constantFrom(1, 2, 3).map((i) => ({ entity_type: t, entity_id: `${t}-${i}` })));

/**
 * An arbitrary of payloads `schema` accepts: every enum value, optional fields present and
 * absent, numbers over their whole range and at its ends, unicode strings within their length
 * limits, ISO dates and times, nested objects. A strict object of exactly `entity_type` (an
 * enum) and `entity_id` is a reference, drawn from `refs`. Throws UnsupportedSchemaError, at
 * construction, on any zod type or check it does not understand.
 */
export function payloadArbitrary(
  schema: z.ZodType<Record<string, unknown>>,
  refs: RefArbitrary = defaultRefs,
  options: PayloadArbitraryOptions = {},
): fc.Arbitrary<Record<string, unknown>> {
  const root = options.path ?? '';
  const def = defOf(schema);
  if (def.type !== 'object') throw new UnsupportedSchemaError(root, def.type, 'as a payload (a payload is an object schema)');
  const arbitrary = walk(schema, root, refs, false) as fc.Arbitrary<Record<string, unknown>>;
  return arbitrary.map((payload) => {
    const result = z.safeParse(schema, payload);
    if (result.success) return payload;
    const issue = result.error.issues[0];
    const field = [root, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
    throw new Error(`the schema-driven generator made a payload its schema rejects at ${field || '(root)'}: ${issue?.message ?? 'invalid'} (${JSON.stringify(payload)})`);
  });
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** `optional`: whether an `optional`/`default` wrapper may appear here (directly under an object key). */
function walk(schema: unknown, path: string, refs: RefArbitrary, optional: boolean): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': return withRefinements(schema, def, path, objectArbitrary(def, path, refs), []);
    case 'string': return withRefinements(schema, def, path, stringArbitrary(def, path), STRING_CHECKS);
    case 'number': return withRefinements(schema, def, path, numberArbitrary(def, path), NUMBER_CHECKS);
    case 'boolean': return withRefinements(schema, def, path, fc.boolean(), []);
    case 'enum': {
      const values = Object.values(def['entries'] as Record<string, string | number>);
      if (values.length === 0) throw new UnsupportedSchemaError(path, 'enum', 'with no values');
      return withRefinements(schema, def, path, fc.constantFrom(...values), []);
    }
    case 'literal': {
      const values = def['values'] as readonly unknown[];
      const bad = values.find((v) => !(v === null || ['string', 'number', 'boolean'].includes(typeof v)));
      if (bad !== undefined || values.length === 0) throw new UnsupportedSchemaError(path, 'literal', `of ${typeof bad} (it does not survive JSON)`);
      return withRefinements(schema, def, path, fc.constantFrom(...values), []);
    }
    case 'null': return fc.constant(null);
    case 'nullable': return fc.option(walk(def['innerType'], path, refs, optional), { nil: null, freq: 4 });
    case 'readonly': return walk(def['innerType'], path, refs, optional);
    case 'optional':
    case 'default':
      if (!optional) throw new UnsupportedSchemaError(path, def.type, 'outside an object field (undefined does not survive JSON)');
      return walk(def['innerType'], path, refs, optional);
    case 'array': return withRefinements(schema, def, path, arrayArbitrary(def, path, refs), ARRAY_CHECKS);
    case 'union': {
      const options = def['options'] as readonly unknown[];
      return fc.oneof(...options.map((o, i) => walk(o, `${path}<${i}>`, refs, false)));
    }
    case 'record': {
      const keyType = defOf(def['keyType']).type;
      if (keyType !== 'string') throw new UnsupportedSchemaError(path, 'record', `with ${keyType} keys`);
      return withRefinements(schema, def, path, fc.dictionary(
        walk(def['keyType'], join(path, '<key>'), refs, false) as fc.Arbitrary<string>,
        walk(def['valueType'], join(path, '<value>'), refs, false),
        { maxKeys: 5, noNullPrototype: true },
      ), []);
    }
    case 'unknown':
    case 'any':
      // Through JSON and back: plain objects, as a payload read off the wire has.
      return fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    default:
      throw new UnsupportedSchemaError(path, def.type);
  }
}

const STRING_CHECKS = ['min_length', 'max_length', 'length_equals', 'string_format'];
const NUMBER_CHECKS = ['greater_than', 'less_than', 'number_format', 'multiple_of'];
const ARRAY_CHECKS = ['min_length', 'max_length', 'length_equals'];

/**
 * Checks the walker understood are built into `arbitrary`; a refinement (`.refine`, a custom
 * check) is opaque, so values that fail it are dropped. Anything else is refused.
 */
function withRefinements(
  schema: unknown, def: Def, path: string, arbitrary: fc.Arbitrary<unknown>, understood: readonly string[],
): fc.Arbitrary<unknown> {
  let refined = false;
  for (const check of checksOf(def)) {
    if (check.check === 'custom') refined = true;
    else if (!understood.includes(check.check)) throw new UnsupportedSchemaError(path, def.type, `with the check "${check.check}"`);
  }
  return refined ? kept(arbitrary, (value) => z.safeParse(schema as z.ZodType, value).success, path, `the refinements of its ${def.type}`) : arbitrary;
}

const TRIES = 1_000;

/**
 * `arbitrary.filter(ok)`, but loud: a filter that (almost) never passes would spin forever,
 * this one fails after TRIES draws in a row, naming the field. (Values drawn this way do not
 * shrink.)
 */
function kept<T>(arbitrary: fc.Arbitrary<T>, ok: (value: T) => boolean, path: string, what: string): fc.Arbitrary<T> {
  return fc.infiniteStream(arbitrary, { noHistory: true }).map((stream) => {
    let tries = 0;
    for (const value of stream) {
      if (ok(value)) return value;
      if (++tries === TRIES) break;
    }
    throw new Error(`cannot generate ${path || '(root)'}: ${TRIES} draws in a row failed ${what}`);
  });
}

function objectArbitrary(def: Def, path: string, refs: RefArbitrary): fc.Arbitrary<unknown> {
  const shape = def['shape'] as Readonly<Record<string, unknown>>;
  const keys = Object.keys(shape);
  const typeField = shape['entity_type'];
  if (keys.length === 2 && shape['entity_id'] !== undefined && typeField !== undefined && defOf(typeField).type === 'enum') {
    return refs(Object.values(defOf(typeField)['entries'] as Record<string, string>));
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const key of keys) {
    const field = shape[key];
    model[key] = walk(field, join(path, key), refs, true);
    if (nodeOf(field)._zod.optin !== 'optional') required.push(key);
  }
  return fc.record(model, { requiredKeys: required, noNullPrototype: true });
}

function arrayArbitrary(def: Def, path: string, refs: RefArbitrary): fc.Arbitrary<unknown> {
  let minLength = 0;
  let maxLength = 10;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') minLength = Math.max(minLength, c['minimum'] as number);
    if (c.check === 'max_length') maxLength = Math.min(maxLength, c['maximum'] as number);
    if (c.check === 'length_equals') minLength = maxLength = c['length'] as number;
  }
  if (minLength > maxLength) maxLength = minLength;
  return fc.array(walk(def['element'], join(path, '[]'), refs, false), { minLength, maxLength });
}

// ---------------------------------------------------------------------------------- strings

/** zod 4.6 measures a string's length in code points (a lone surrogate counts as one). */
const lengthOf = (text: string) => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/**
 * Cuts `text` to at most `max` code points (never between the halves of a surrogate pair) and
 * pads it to `min` with ASCII letters. A cut may split a grapheme cluster, a base from its
 * combining mark: valid text all the same.
 */
function fit(text: string, min: number, max: number): string {
  let out = text;
  if (out.length > max && lengthOf(out) > max) out = Array.from(out).slice(0, max).join('');
  const length = lengthOf(out);
  return length >= min ? out : out + 'x'.repeat(min - length);
}

/** Unicode text of `min` to `max` code points: mostly short, sometimes exactly at either limit. */
export function unicodeText(min: number, max: number): fc.Arbitrary<string> {
  const bounded = Number.isFinite(max);
  const graphemes = bounded ? Math.min(max, 1_000) : undefined;
  const any = fc.string({ unit: 'grapheme', ...(graphemes === undefined ? {} : { maxLength: graphemes }) }).map((s) => fit(s, min, max));
  // A long limit is reached by repeating a short draw: drawing thousands of graphemes is slow.
  const exactly = (n: number) => fc.string({ unit: 'grapheme', minLength: Math.min(n, 1), maxLength: Math.min(n, 64) })
    .map((s) => fit(s.repeat(Math.ceil(n / Math.max(1, s.length))), n, n));
  if (!bounded) return fc.oneof({ weight: 9, arbitrary: any }, { weight: 1, arbitrary: exactly(min) });
  return fc.oneof({ weight: 8, arbitrary: any }, { weight: 1, arbitrary: exactly(min) }, { weight: 1, arbitrary: exactly(max) });
}

/** Formats whose zod check is exactly their `pattern`: generated from it. */
const PATTERN_FORMATS = new Set(['regex', 'email', 'uuid', 'guid', 'starts_with', 'ends_with']);

function stringArbitrary(def: Def, path: string): fc.Arbitrary<unknown> {
  let min = 0;
  let max = Infinity;
  const formats: CheckDef[] = def.check === 'string_format' ? [def as CheckDef] : [];
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = Math.max(min, c['minimum'] as number);
    else if (c.check === 'max_length') max = Math.min(max, c['maximum'] as number);
    else if (c.check === 'length_equals') min = max = c['length'] as number;
    else if (c.check === 'string_format') formats.push(c);
  }
  if (min > max) throw new UnsupportedSchemaError(path, 'string', `with min length ${min} over max length ${max} (no value fits)`);
  const [format, ...more] = formats;
  if (format === undefined) return unicodeText(min, max);
  if (more.length) {
    throw new UnsupportedSchemaError(path, 'string', `with several formats (${formats.map((f) => String(f['format'])).join(', ')}); write them as one regex`);
  }
  const fits = (s: string) => lengthOf(s) >= min && lengthOf(s) <= max;
  const shaped = formatted(format, path);
  return min === 0 && max === Infinity ? shaped : kept(shaped, fits, path, `its length limits ${min}..${max} (the ${String(format['format'])} rarely fits them)`);
}

function formatted(format: CheckDef, path: string): fc.Arbitrary<string> {
  const name = String(format['format']);
  switch (name) {
    case 'date': return isoDate;
    case 'datetime': return isoDateTime(format['offset'] === true, format['local'] === true, format['precision'] as number | null);
    case 'time': return isoTime(format['precision'] as number | null);
    default: {
      const pattern = format['pattern'];
      if (!PATTERN_FORMATS.has(name) || !(pattern instanceof RegExp)) throw new UnsupportedSchemaError(path, 'string', `with the format "${name}"`);
      try {
        return matching(pattern);
      } catch (cause) {
        throw new UnsupportedSchemaError(path, 'string', `with the pattern ${String(pattern)} (${String(cause)})`);
      }
    }
  }
}

/** Compiling a regex into an arbitrary is slow and its result immutable: once per pattern. */
const compiled = new Map<string, fc.Arbitrary<string>>();
function matching(pattern: RegExp): fc.Arbitrary<string> {
  const key = `${pattern.flags}/${pattern.source}`;
  let arbitrary = compiled.get(key);
  if (!arbitrary) compiled.set(key, arbitrary = fc.stringMatching(pattern));
  return arbitrary;
}

const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Any instant whose ISO form has a four-digit year, biased like fast-check's dates (ends and the epoch). */
const instant = fc.date({ min: new Date(EARLIEST), max: new Date(LATEST), noInvalidDate: true });

const isoDate = instant.map((d) => d.toISOString().slice(0, 10));

const pad = (n: number) => String(n).padStart(2, '0');
/** `HH:MM[:SS[.fff]]` for zod's precision: null any, -1 minutes only, 0 seconds, n digits. */
const clock = (d: Date, precision: number | null, pick: number): string => {
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const s = `${hm}:${pad(d.getUTCSeconds())}`;
  const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
  if (precision === -1) return hm;
  if (precision === 0) return s;
  if (precision !== null) return `${s}.${ms.padEnd(precision, '0').slice(0, precision)}`;
  // Any precision: whole seconds, milliseconds or microseconds, a third of the time each.
  return [s, `${s}.${ms}`, `${s}.${ms}${String(pick).padStart(3, '0')}`][pick % 3] ?? s;
};

function isoDateTime(offset: boolean, local: boolean, precision: number | null): fc.Arbitrary<string> {
  const zones = [fc.constant('Z'), ...(local ? [fc.constant('')] : []), ...(offset ? [fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`)] : [])];
  return fc.tuple(instant, fc.integer({ min: 0, max: 999 }), fc.oneof(...zones))
    .map(([d, pick, zone]) => `${d.toISOString().slice(0, 10)}T${clock(d, precision, pick)}${zone}`);
}

const isoTime = (precision: number | null) =>
  fc.tuple(instant, fc.integer({ min: 0, max: 999 })).map(([d, pick]) => clock(d, precision, pick));

// ---------------------------------------------------------------------------------- numbers

const FORMAT_RANGE: Readonly<Record<string, readonly [number, number, boolean]>> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true],
  int32: [-(2 ** 31), 2 ** 31 - 1, true],
  uint32: [0, 2 ** 32 - 1, true],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38, false],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE, false],
};

function numberArbitrary(def: Def, path: string): fc.Arbitrary<number> {
  let lo = -Number.MAX_VALUE;
  let hi = Number.MAX_VALUE;
  let loOpen = false;
  let hiOpen = false;
  let integer = false;
  let step: number | undefined;
  const formats = def.check === 'number_format' ? [def as CheckDef] : [];
  for (const c of checksOf(def)) {
    const value = c['value'] as number;
    if (c.check === 'greater_than' && (value > lo || (value === lo && !c['inclusive']))) [lo, loOpen] = [value, !c['inclusive']];
    else if (c.check === 'less_than' && (value < hi || (value === hi && !c['inclusive']))) [hi, hiOpen] = [value, !c['inclusive']];
    else if (c.check === 'multiple_of') step = value;
    else if (c.check === 'number_format') formats.push(c);
  }
  for (const f of formats) {
    const range = FORMAT_RANGE[String(f['format'])];
    if (!range) throw new UnsupportedSchemaError(path, 'number', `with the format "${String(f['format'])}"`);
    if (range[0] > lo) [lo, loOpen] = [range[0], false];
    if (range[1] < hi) [hi, hiOpen] = [range[1], false];
    integer ||= range[2];
  }
  if (step !== undefined) return multiples(lo, loOpen, hi, hiOpen, step, integer, path);
  if (integer) {
    const [first, last] = integerRange(lo, loOpen, hi, hiOpen, 1, path);
    return fc.oneof(
      { weight: 8, arbitrary: fc.bigInt({ min: BigInt(first), max: BigInt(last) }).map(Number) },
      { weight: 1, arbitrary: fc.constantFrom(first, last) },
    );
  }
  if (lo > hi || (lo === hi && (loOpen || hiOpen))) throw new UnsupportedSchemaError(path, 'number', `with an empty range ${lo}..${hi}`);
  // Any double in range (most of which are tiny or huge), round cents of every magnitude, the ends.
  const any = fc.double({ min: lo, max: hi, minExcluded: loOpen, maxExcluded: hiOpen, noNaN: true, noDefaultInfinity: true });
  const arms: fc.WeightedArbitrary<number>[] = [{ weight: 4, arbitrary: any }];
  const cents = centsRange(lo, loOpen, hi, hiOpen);
  if (cents) arms.push({ weight: 4, arbitrary: ofEveryMagnitude(cents[0], cents[1]).map((k) => k / 100) });
  const ends = [...(loOpen ? [] : [lo]), ...(hiOpen ? [] : [hi])];
  if (ends.length) arms.push({ weight: 1, arbitrary: fc.constantFrom(...ends) });
  return fc.oneof(...arms);
}

const inRange = (x: number, lo: number, loOpen: boolean, hi: number, hiOpen: boolean) =>
  (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);

/** The hundredths k with k/100 in range, as a range of safe integers (k up to 2^53), or none. */
function centsRange(lo: number, loOpen: boolean, hi: number, hiOpen: boolean): [number, number] | undefined {
  let first = Math.max(Math.ceil(lo * 100), Number.MIN_SAFE_INTEGER);
  let last = Math.min(Math.floor(hi * 100), Number.MAX_SAFE_INTEGER);
  while (first <= last && !inRange(first / 100, lo, loOpen, hi, hiOpen)) first++;
  while (last >= first && !inRange(last / 100, lo, loOpen, hi, hiOpen)) last--;
  return first <= last ? [first, last] : undefined;
}

/** Integers in [first, last] whose number of digits is uniform: as many 12s as 12-million-somethings. */
function ofEveryMagnitude(first: number, last: number): fc.Arbitrary<number> {
  const digits = String(Math.max(Math.abs(first), Math.abs(last))).length;
  return fc.integer({ min: 0, max: digits }).chain((d) => {
    const reach = 10 ** d;
    const min = Math.max(first, -reach);
    const max = Math.min(last, reach);
    return min <= max ? fc.integer({ min, max }) : fc.integer({ min: first, max: Math.min(last, first + reach) });
  });
}

/** The multiples k of `step` in range, as a range of safe integers k. */
function integerRange(lo: number, loOpen: boolean, hi: number, hiOpen: boolean, step: number, path: string): [number, number] {
  let first = Math.max(Math.ceil(lo / step), Number.MIN_SAFE_INTEGER);
  let last = Math.min(Math.floor(hi / step), Number.MAX_SAFE_INTEGER);
  if (loOpen && first * step <= lo) first++;
  if (hiOpen && last * step >= hi) last--;
  if (first > last) throw new UnsupportedSchemaError(path, 'number', `with no ${step === 1 ? 'integer' : `multiple of ${step}`} in ${lo}..${hi}`);
  return [first, last];
}

function multiples(
  lo: number, loOpen: boolean, hi: number, hiOpen: boolean, step: number, integer: boolean, path: string,
): fc.Arbitrary<number> {
  if (!(step > 0) || (integer && !Number.isInteger(step))) throw new UnsupportedSchemaError(path, 'number', `with multipleOf(${step})`);
  const decimals = (String(step).split('.')[1] ?? '').length;
  if (String(step).includes('e')) throw new UnsupportedSchemaError(path, 'number', `with multipleOf(${step}) in exponent form`);
  const [first, last] = integerRange(lo, loOpen, hi, hiOpen, step, path);
  const value = (k: number) => Number((k * step).toFixed(decimals));
  const drawn = fc.oneof(
    { weight: 8, arbitrary: fc.bigInt({ min: BigInt(first), max: BigInt(last) }).map((k) => value(Number(k))) },
    { weight: 1, arbitrary: fc.constantFrom(value(first), value(last)) },
  );
  return kept(drawn, (x) => inRange(x, lo, loOpen, hi, hiOpen), path, `its range once rounded to multiples of ${step}`);
}

// ---------------------------------------------------------------------------------- histories

export interface AppEventsOptions {
  /** Entities of each type: at least `minPerType` (default 1), at most `maxPerType` (default 3). */
  readonly minPerType?: number;
  readonly maxPerType?: number;
  /** Updates per entity, at most (default 3). */
  readonly maxUpdates?: number;
  /** Whether an entity may end deleted (default true). */
  readonly deletes?: boolean;
  readonly source?: string;
}

const BASE_TIME = Date.UTC(2026, 0, 1);
const entityIds = (type: string, count: number, prefix = '') => Array.from({ length: count }, (_, i) => `${prefix}${type}-${i + 1}`);

/** Text to embed: absent, a fresh one, or (on an update) the one before, unchanged. */
type TextStep = { readonly kind: 'absent' } | { readonly kind: 'same' } | { readonly kind: 'new'; readonly text: string };
const textStep: fc.Arbitrary<TextStep> = fc.oneof(
  fc.constant({ kind: 'absent' } as const),
  fc.constant({ kind: 'same' } as const),
  unicodeText(1, 300).map((text) => ({ kind: 'new', text }) as const),
);

/**
 * A coherent history of `app`: a few entities of every type, each created, updated (versions
 * 1, 2, 3, ...), maybe deleted, its references pointing at entities of the set, its text
 * present, absent or changed from one version to the next. The events come in time order
 * (each entity's in version order), interleaved across entities.
 */
export function appEventsArbitrary(app: App, options: AppEventsOptions = {}): fc.Arbitrary<EntityEvent[]> {
  const { minPerType = 1, maxPerType = 3, maxUpdates = 3, deletes = true, source = 'property-test' } = options;
  const types = app.entityTypes;
  // Walk every schema now, so one the walker cannot handle fails here rather than mid-run.
  for (const type of types) payloadArbitrary(catalogSchema(app, type), defaultRefs, { path: type });
  return fc
    .tuple(...types.map(() => fc.integer({ min: minPerType, max: maxPerType })))
    .chain((counts) => {
      const pool = Object.fromEntries(types.map((t, i) => [t, entityIds(t, counts[i] ?? 0)]));
      const refs = refsFromPool(pool);
      const histories = types.flatMap((type) => {
        const payloads = payloadArbitrary(catalogSchema(app, type), refs, { path: type });
        return (pool[type] ?? []).map((id) => entityHistory(type, id, payloads, maxUpdates, deletes, source));
      });
      return fc.tuple(...histories);
    })
    .map((histories) => withUniqueIds(inTimeOrder(histories.flat())));
}

/** Drawn uuids can meet (a shrunk one is all zeros); a repeated one is replaced by a derived one. */
function withUniqueIds(events: EntityEvent[]): EntityEvent[] {
  const seen = new Set<string>();
  return events.map((event, i) => {
    let id = event.event_id;
    for (let salt = i; seen.has(id); salt += events.length) id = uuidFrom(seededRandom(salt));
    seen.add(id);
    return id === event.event_id ? event : { ...event, event_id: id };
  });
}

function catalogSchema(app: App, type: string): z.ZodType<Record<string, unknown>> {
  const schema = app.catalog[type];
  if (!schema) throw new Error(`app ${app.name} has no schema for ${type}`);
  return schema;
}

function entityHistory(
  type: string, id: string, payloads: fc.Arbitrary<Record<string, unknown>>, maxUpdates: number, deletes: boolean, source: string,
): fc.Arbitrary<{ at: number; event: EntityEvent }[]> {
  const step = fc.record({ payload: payloads, text: textStep, gap: fc.integer({ min: 1, max: 3_600_000 }), uuid: fc.uuid({ version: 4 }) });
  return fc
    .record({
      start: fc.integer({ min: 0, max: 86_400_000 }),
      steps: fc.array(step, { minLength: 1, maxLength: 1 + maxUpdates }),
      deleted: deletes
        ? fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
        : fc.constant(false),
      deleteUuid: fc.uuid({ version: 4 }),
    })
    .map(({ start, steps, deleted, deleteUuid }) => {
      const out: { at: number; event: EntityEvent }[] = [];
      let at = BASE_TIME + start;
      let text: string | undefined;
      const envelope = (event_id: string, version: number) => ({
        event_id, entity_type: type, entity_id: id, version, occurred_at: new Date(at).toISOString(),
        source, schema_version: CURRENT_SCHEMA_VERSION,
      });
      steps.forEach((s, i) => {
        if (s.text.kind === 'absent') text = undefined;
        else if (s.text.kind === 'new') text = s.text.text;
        out.push({ at, event: { ...envelope(s.uuid, i + 1), event_type: i === 0 ? 'create' : 'update', payload: s.payload, ...(text === undefined ? {} : { text_for_embedding: text }) } });
        at += s.gap;
      });
      if (deleted) out.push({ at, event: { ...envelope(deleteUuid, steps.length + 1), event_type: 'delete', payload: {} } });
      return out;
    });
}

const inTimeOrder = (timeline: { at: number; event: EntityEvent }[]) => timeline.sort((a, b) => a.at - b.at).map(({ event }) => event);

// ---------------------------------------------------------------------------------- generator

/** The banking generator's options, for any app; malformed messages are the banking generator's own. */
export type AppGeneratorOptions = Omit<GeneratorOptions, 'malformedShare'> & {
  /** Share of entities that carry a text to embed (default 0.5). */
  readonly textShare?: number;
};

/**
 * Seeded, reproducible synthetic events for any app, shaped like `generateBankingEvents`'s:
 * `entities` split evenly over the app's types, each created, updated (`updatesPerEntity` on
 * average; an update redraws some fields), maybe deleted, references pointing at entities of
 * the run. An entity with text embeds its string fields; an update changes that text with
 * probability `textChangeShare` and otherwise keeps it. Messages come in time order, on
 * `app.topicFor(type)`, keyed by entity id, some published twice (`duplicateShare`).
 */
export function generateAppEvents(app: App, options: AppGeneratorOptions): GeneratedMessage[] {
  const rnd = seededRandom(options.seed);
  const types = app.entityTypes;
  const perType = Math.max(1, Math.round(options.entities / types.length));
  const pool = Object.fromEntries(types.map((t) => [t, entityIds(t, perType, options.idPrefix)]));
  const refs = refsFromPool(pool);
  const meanUpdates = options.updatesPerEntity ?? 1;
  const timeline: { at: number; event: EntityEvent }[] = [];

  types.forEach((type, typeIndex) => {
    const schema = catalogSchema(app, type);
    const plans = (pool[type] ?? []).map((id) => ({
      id,
      updates: Math.floor(rnd() * (2 * meanUpdates + 1)),
      deleted: rnd() < (options.deleteShare ?? 0.03),
      hasText: rnd() < (options.textShare ?? 0.5),
    }));
    const draws = plans.reduce((n, p) => n + 1 + p.updates, 0);
    const seed = (options.seed * 7919 + typeIndex) | 0;
    const payloads = fc.sample(payloadArbitrary(schema, refs, { path: type }), { seed, numRuns: draws });
    let next = 0;
    const draw = () => payloads[next++] ?? {};
    for (const plan of plans) {
      let at = BASE_TIME + Math.floor(rnd() * 86_400_000);
      let payload = draw();
      let text = plan.hasText ? textOf(payload) : undefined;
      const push = (event_type: EntityEvent['event_type'], version: number) => {
        timeline.push({ at, event: {
          event_id: uuidFrom(rnd), event_type, entity_type: type, entity_id: plan.id, version, occurred_at: new Date(at).toISOString(),
          payload: event_type === 'delete' ? {} : payload,
          ...(event_type !== 'delete' && text !== undefined ? { text_for_embedding: text } : {}),
          source: 'generator', schema_version: CURRENT_SCHEMA_VERSION,
        } });
        at += 1 + Math.floor(rnd() * 3_600_000);
      };
      push('create', 1);
      for (let v = 2; v < 2 + plan.updates; v++) {
        payload = redraw(schema, payload, draw(), rnd);
        if (plan.hasText && rnd() < (options.textChangeShare ?? 0.2)) text = textOf(payload);
        push('update', v);
      }
      if (plan.deleted) push('delete', 2 + plan.updates);
    }
  });

  const out: GeneratedMessage[] = [];
  for (const event of inTimeOrder(timeline)) {
    const message = { topic: app.topicFor(event.entity_type), key: event.entity_id, payload: encodeEvent(event), event };
    out.push(message);
    if (rnd() < (options.duplicateShare ?? 0)) out.push(message);
  }
  return out;
}

/** A full new state: each field of `before` kept or taken from `fresh`, unless the mix breaks the schema. */
function redraw(
  schema: z.ZodType, before: Record<string, unknown>, fresh: Record<string, unknown>, rnd: () => number,
): Record<string, unknown> {
  const mixed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(fresh)])) {
    const from = rnd() < 0.5 ? before : fresh;
    if (Object.hasOwn(from, key)) mixed[key] = from[key];
  }
  return z.safeParse(schema, mixed).success ? mixed : fresh;
}

/** The payload's top-level strings, as `field: value` lines; undefined when there are none. */
function textOf(payload: Record<string, unknown>): string | undefined {
  const text = Object.entries(payload)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
    .map(([field, value]) => `${field}: ${value}`)
    .join('\n');
  return text === '' ? undefined : fit(text, 1, 16_384);
}
