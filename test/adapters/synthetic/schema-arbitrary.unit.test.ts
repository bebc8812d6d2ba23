import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GeneratedMessage } from '../../../src/adapters/synthetic/generated-message.ts';
import {
  appEventsArbitrary, generateAppEvents, payloadArbitrary, refsFromPool, UnsupportedSchemaError,
} from '../../../src/adapters/synthetic/schema-arbitrary.ts';
import { decodeEvent, encodeEvent, entityRefSchema, type EntityEvent, type EntityRef, type GraphCommand } from '../../../src/domain/index.ts';
import { defineApp, type App } from '../../../src/projections/app.ts';
import { bankingApp } from '../../../src/projections/banking/banking.app.ts';
import { defineProjection } from '../../../src/projections/projection.ts';
import { eventsFor, payloadsFor } from '../../support/app-arbitraries.ts';

/** A second application, written here with nothing but defineApp: the generator must serve it unchanged. */
const libraryApp = defineApp({
  name: 'tiny-library',
  entities: {
    member: { schema: z.strictObject({ name: z.string().min(1).max(120), email: z.email().optional(), joined_on: z.iso.date(), tier: z.enum(['basic', 'plus']) }) },
    book: {
      schema: z.strictObject({
        title: z.string().min(1).max(300),
        genre: z.enum(['fiction', 'history', 'science', 'poetry']),
        isbn: z.string().regex(/^97[89][0-9]{10}$/).optional(),
        pages: z.int().positive().max(5000),
      }),
    },
    loan: {
      schema: z.strictObject({
        member: entityRefSchema(['member']),
        book: entityRefSchema(['book']),
        borrowed_at: z.iso.datetime({ offset: true }),
        due_on: z.iso.date(),
        renewals: z.int().min(0).max(3),
        returned: z.boolean(),
      }),
      topic: 'library-loans',
    },
  },
  projections: [defineProjection({
    name: 'loans-graph', version: 1, handles: ['member', 'book', 'loan'],
    graph: {
      vertices: ['member', 'book', 'loan'], edges: ['BORROWED_BY', 'OF_BOOK'],
      project: (event): GraphCommand[] => {
        const { entity_type: label, entity_id: id, version } = event;
        if (event.event_type === 'delete') return [{ kind: 'tombstone_vertex', label, id, version, deletedAt: Date.parse(event.occurred_at) }];
        const properties = Object.fromEntries(Object.entries(event.payload).filter((e): e is [string, string | number | boolean] => typeof e[1] !== 'object'));
        const edges = label !== 'loan' ? [] : [
          { label: 'BORROWED_BY', to: toVertex(event.payload['member']), properties: {} },
          { label: 'OF_BOOK', to: toVertex(event.payload['book']), properties: {} },
        ];
        return [{ kind: 'upsert_vertex', label, id, version, properties, edges }];
      },
    },
  })],
});
const toVertex = (ref: unknown) => ({ label: (ref as EntityRef).entity_type, id: (ref as EntityRef).entity_id });

const APPS: readonly App[] = [bankingApp, libraryApp];
const schemaOf = (app: App, type: string) => app.catalog[type]!;

// --------------------------------------------------------------------- reading a schema's facts

/** Every enum (with its values) and every optional key in a schema, by dotted path. */
function facts(schema: unknown, path = ''): { enums: { path: string; values: unknown[] }[]; optionals: string[] } {
  const node = schema as { _zod: { def: Record<string, unknown> & { type: string }; optin?: string } };
  const def = node._zod.def;
  const out = { enums: [] as { path: string; values: unknown[] }[], optionals: [] as string[] };
  if (['optional', 'nullable', 'default', 'readonly'].includes(def.type)) return facts(def['innerType'], path);
  if (def.type === 'enum') out.enums.push({ path, values: Object.values(def['entries'] as object) });
  if (def.type === 'object') {
    for (const [key, field] of Object.entries(def['shape'] as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if ((field as typeof node)._zod.optin === 'optional') out.optionals.push(at);
      const inner = facts(field, at);
      out.enums.push(...inner.enums);
      out.optionals.push(...inner.optionals);
    }
  }
  return out;
}

const MISSING = Symbol('missing');
/** The value at a dotted path; MISSING where the key (or an object above it) is absent. */
function at(value: unknown, path: string): unknown {
  let node: unknown = value;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return MISSING;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
const parentPresent = (value: unknown, path: string) => !path.includes('.') || at(value, path.slice(0, path.lastIndexOf('.'))) !== MISSING;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const samples = (app: App, type: string, numRuns = 1_000) => fc.sample(payloadsFor(app)[type]!, { seed: 20_260_101, numRuns });
const strings = (app: App, type: string, field: string) => samples(app, type).map((p) => p[field]).filter((v): v is string => typeof v === 'string');

describe('payloadArbitrary', () => {
  describe.each(APPS.flatMap((app) => app.entityTypes.map((type) => ({ app, type, name: `${app.name}/${type}` }))))('for $name', ({ app, type }) => {
    const schema = schemaOf(app, type);

    it('makes only payloads its schema accepts, also after a JSON round trip', () => {
      fc.assert(fc.property(payloadsFor(app)[type]!, (payload) => {
        expect(schema.safeParse(payload).error).toBeUndefined();
        expect(schema.safeParse(JSON.parse(JSON.stringify(payload))).error).toBeUndefined();
        expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
      }), { numRuns: 300 });
    });

    it('draws every value of every enum, and every optional field both present and absent', () => {
      const drawn = samples(app, type);
      const { enums, optionals } = facts(schema);
      for (const e of enums) {
        const seen = new Set(drawn.map((p) => at(p, e.path)).filter((v) => v !== MISSING));
        expect({ path: e.path, values: [...seen].sort() }).toEqual({ path: e.path, values: [...e.values].sort() });
      }
      for (const path of optionals) {
        const withParent = drawn.filter((p) => parentPresent(p, path));
        const present = withParent.filter((p) => at(p, path) !== MISSING).length;
        expect({ path, present: present > 50, absent: withParent.length - present > 50 }).toEqual({ path, present: true, absent: true });
      }
    });
  });

  describe('for the banking schemas in particular', () => {
    it('knows what it must find: the enums and optional fields of the banking schemas', () => {
      const all = bankingApp.entityTypes.map((t) => facts(schemaOf(bankingApp, t)));
      expect(all.flatMap((f) => f.optionals).sort()).toEqual(['description', 'description', 'employer', 'reference']);
      expect(all.flatMap((f) => f.enums.map((e) => `${e.path}:${e.values.length}`)).sort()).toEqual([
        'account_type:4', 'channel:5', 'employer.entity_type:1', 'from_account.entity_type:1', 'owner.entity_type:2', 'risk_rating:3', 'status:3', 'to_account.entity_type:1',
      ]);
    });

    it('draws amounts over their whole range: below 1, above 10,000, exactly the maximum, round cents', () => {
      const amounts = samples(bankingApp, 'transaction').map((t) => t['amount'] as number);
      expect(amounts.some((a) => a < 1)).toBe(true);
      expect(amounts.some((a) => a < 1e-100)).toBe(true);
      expect(amounts.filter((a) => a > 10_000).length).toBeGreaterThan(100);
      expect(amounts).toContain(1e12);
      expect(amounts.some((a) => a > 1 && a < 10_000 && Math.round(a * 100) === a * 100)).toBe(true);
      expect(Math.min(...amounts)).toBeGreaterThan(0);
      expect(Math.max(...amounts)).toBeLessThanOrEqual(1e12);
    });

    it('draws many currencies and transactions with and without a reference', () => {
      const drawn = samples(bankingApp, 'transaction');
      expect(new Set(drawn.map((t) => t['currency'])).size).toBeGreaterThan(50);
      expect(drawn.some((t) => 'reference' in t)).toBe(true);
      expect(drawn.some((t) => !('reference' in t))).toBe(true);
      expect(drawn.some((t) => t['reference'] === '')).toBe(true);
      expect(drawn.some((t) => Array.from((t['reference'] as string | undefined) ?? '').length === 140)).toBe(true);
    });

    it('draws unicode text up to, and exactly at, each length limit', () => {
      const names = strings(bankingApp, 'person', 'full_name');
      const descriptions = strings(bankingApp, 'person', 'description');
      expect(names.some((s) => /[^\x20-\x7e]/u.test(s))).toBe(true);
      expect(names.some((s) => Array.from(s).some((c) => c.codePointAt(0)! > 0xffff))).toBe(true);
      expect(names.filter((s) => LONE_SURROGATE.test(s))).toEqual([]);
      // zod 4.6 counts a string's length in code points.
      const lengths = (texts: string[]) => new Set(texts.map((s) => Array.from(s).length));
      expect(lengths(names)).toContain(1);
      expect(lengths(names)).toContain(200);
      expect(lengths(descriptions)).toContain(0);
      expect(lengths(descriptions)).toContain(2000);
    });

    it('draws ISO dates and date-times across the years, with and without an offset', () => {
      const years = strings(bankingApp, 'person', 'date_of_birth').map((d) => Number(d.slice(0, 4)));
      expect(years.some((y) => y < 1900) && years.some((y) => y > 2100)).toBe(true);
      const opened = strings(bankingApp, 'account', 'opened_at');
      expect(opened.some((t) => t.endsWith('Z'))).toBe(true);
      expect(opened.some((t) => /[+-]\d\d:\d\d$/.test(t))).toBe(true);
    });

    it('draws references only from the pool it is given', () => {
      const refs = refsFromPool({ account: ['acc-a', 'acc-b'], person: ['per-a'] });
      const drawn = fc.sample(payloadArbitrary(schemaOf(bankingApp, 'transaction'), refs), { seed: 1, numRuns: 300 });
      expect(new Set(drawn.flatMap((t) => [at(t, 'from_account.entity_id'), at(t, 'to_account.entity_id')]))).toEqual(new Set(['acc-a', 'acc-b']));
      const owners = fc.sample(payloadArbitrary(schemaOf(bankingApp, 'account'), refs), { seed: 1, numRuns: 300 });
      expect(new Set(owners.map((a) => JSON.stringify(a['owner'])))).toEqual(new Set([JSON.stringify({ entity_type: 'person', entity_id: 'per-a' })]));
    });
  });

  describe('when given the other zod features it supports', () => {
    const everything = z.strictObject({
      count: z.int().min(-5).max(5),
      big: z.number().int(),
      ratio: z.number().gt(0).lt(1),
      step: z.number().multipleOf(0.25).min(-10).max(10),
      even: z.int32().multipleOf(2),
      small: z.float32(),
      flag: z.boolean(),
      kind: z.literal(['a', 'b', 3]),
      maybe: z.string().max(3).nullable(),
      tags: z.array(z.string().max(5)).max(3),
      pair: z.array(z.uuid()).length(2),
      id: z.uuid(),
      mail: z.email(),
      at: z.iso.datetime({ local: true, precision: 3 }),
      when: z.iso.time({ precision: -1 }),
      code: z.string().length(4),
      pick: z.union([z.string().startsWith('x'), z.number().nonnegative()]),
      with_default: z.string().default('d'),
      checked: z.string().min(1).refine((s) => !s.includes('x'), 'no x'),
      meta: z.record(z.string(), z.number()),
      extra: z.unknown(),
      frozen: z.string().max(2).readonly(),
      ref: entityRefSchema(['member', 'book']),
      nested: z.strictObject({ deep: z.strictObject({ value: z.enum(['p', 'q']).optional() }) }),
    });

    it('makes only payloads the schema accepts', () => {
      fc.assert(fc.property(payloadArbitrary(everything), (payload) => {
        expect(everything.safeParse(payload).error).toBeUndefined();
      }), { numRuns: 500 });
    });

    it('reaches the ends of integer ranges and draws every literal', () => {
      const drawn = fc.sample(payloadArbitrary(everything), { seed: 5, numRuns: 500 });
      expect(new Set(drawn.map((p) => p['count']))).toEqual(new Set([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]));
      expect(drawn.map((p) => p['big'])).toEqual(expect.arrayContaining([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]));
      expect(new Set(drawn.map((p) => p['kind']))).toEqual(new Set(['a', 'b', 3]));
      expect(drawn.some((p) => p['maybe'] === null) && drawn.some((p) => typeof p['maybe'] === 'string')).toBe(true);
    });
  });

  describe('when given a schema with a field it cannot generate', () => {
    const cases: [string, z.ZodType<Record<string, unknown>>, RegExp][] = [
      ['a Date', z.strictObject({ title: z.string(), due: z.date() }), /due: zod type "date"/],
      ['a nested Set', z.strictObject({ shelf: z.strictObject({ tags: z.set(z.string()) }) }), /shelf\.tags: zod type "set"/],
      ['a bigint', z.strictObject({ copies: z.bigint() }), /copies: zod type "bigint"/],
      ['a transform', z.strictObject({ count: z.string().transform((s) => s.length) }), /count: zod type "pipe"/],
      ['a trimming string', z.strictObject({ name: z.string().trim().min(1) }), /name: zod type "string" with the check "overwrite"/],
      ['a URL', z.strictObject({ homepage: z.url() }), /homepage: zod type "string" with the format "url"/],
      ['two formats on one string', z.strictObject({ code: z.string().regex(/^a/).regex(/b$/) }), /code: zod type "string" with several formats/],
      ['an optional array element', z.strictObject({ tags: z.array(z.string().optional()) }), /tags\.\[\]: zod type "optional" outside an object field/],
      ['a lazy schema', z.strictObject({ tree: z.lazy(() => z.string()) }), /tree: zod type "lazy"/],
    ];
    it.each(cases)('refuses %s, naming the field and the zod type', (_, schema, message) => {
      expect(() => payloadArbitrary(schema, undefined, { path: 'book' })).toThrow(UnsupportedSchemaError);
      expect(() => payloadArbitrary(schema, undefined, { path: 'book' })).toThrow(new RegExp(`book\\.${message.source}`));
    });

    it('fails loudly, naming the field, rather than spin on a refinement or length limit that never passes', () => {
      const never = z.strictObject({ code: z.string().refine(() => false) });
      expect(() => fc.sample(payloadArbitrary(never, undefined, { path: 'book' }), { seed: 1, numRuns: 1 })).toThrow(/book\.code: 1000 draws in a row failed the refinements/);
      const tooLong = z.strictObject({ code: z.string().regex(/^[A-Z]{2}$/).min(3) });
      expect(() => fc.sample(payloadArbitrary(tooLong), { seed: 1, numRuns: 1 })).toThrow(/code: 1000 draws in a row failed its length limits/);
    });

    it('refuses an app with such a schema before generating anything', () => {
      const app = defineApp({
        name: 'broken', entities: { shelf: { schema: z.strictObject({ built: z.date() }) } },
        projections: [defineProjection({ name: 'p', version: 1, handles: ['shelf'], graph: { vertices: ['shelf'], edges: [], project: () => [] } })],
      });
      expect(() => appEventsArbitrary(app)).toThrow(/shelf\.built: zod type "date"/);
      expect(() => generateAppEvents(app, { seed: 1, entities: 3 })).toThrow(/shelf\.built: zod type "date"/);
    });
  });
});

// --------------------------------------------------------------------- histories

/** What every history of `app` must be: valid events, versions 1..n per entity, refs inside the set. */
function expectCoherent(app: App, events: readonly EntityEvent[]) {
  const entities = new Set(events.map((e) => `${e.entity_type}/${e.entity_id}`));
  const last = new Map<string, EntityEvent>();
  for (const event of events) {
    expect(decodeEvent(encodeEvent(event), app.catalog)).toEqual(event);
    const key = `${event.entity_type}/${event.entity_id}`;
    const before = last.get(key);
    expect({ key, version: event.version }).toEqual({ key, version: (before?.version ?? 0) + 1 });
    expect(event.event_type === 'create').toBe(before === undefined);
    if (before) expect(before.event_type).not.toBe('delete');
    expect(Date.parse(event.occurred_at)).toBeGreaterThan(before ? Date.parse(before.occurred_at) : 0);
    last.set(key, event);
    for (const ref of refsIn(event.payload)) expect(entities).toContain(`${ref.entity_type}/${ref.entity_id}`);
  }
  expect(new Set(events.map((e) => e.entity_type))).toEqual(new Set(app.entityTypes));
  expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
}

const refsIn = (payload: Record<string, unknown>): EntityRef[] =>
  Object.values(payload).filter((v): v is EntityRef => typeof v === 'object' && v !== null && 'entity_id' in v);

/** How each entity's text moves: present, absent, changed or kept from one version to the next. */
function textMoves(events: readonly EntityEvent[]) {
  const seen = { present: 0, absent: 0, changed: 0, kept: 0, deletes: 0, updates: 0 };
  const text = new Map<string, string | undefined>();
  for (const e of events) {
    if (e.event_type === 'delete') { seen.deletes++; continue; }
    if (e.event_type === 'update') seen.updates++;
    if (e.text_for_embedding === undefined) seen.absent++;
    else seen.present++;
    const key = `${e.entity_type}/${e.entity_id}`;
    if (text.has(key) && text.get(key) !== undefined && e.text_for_embedding !== undefined) {
      if (text.get(key) === e.text_for_embedding) seen.kept++;
      else seen.changed++;
    }
    text.set(key, e.text_for_embedding);
  }
  return seen;
}

describe('appEventsArbitrary', () => {
  describe.each(APPS.map((app) => ({ app, name: app.name })))('for the $name app', ({ app }) => {
    it('makes coherent histories: valid events, versions 1..n per entity, references inside the set', () => {
      fc.assert(fc.property(eventsFor(app), (events) => expectCoherent(app, events)), { numRuns: 100 });
    });

    it('stays coherent when shrunk: the smallest failing history a property reports is still valid', () => {
      const details = fc.check(fc.property(eventsFor(app), (events) => events.length < 12), { seed: 1 });
      expect(details.failed).toBe(true);
      expect(details.numShrinks).toBeGreaterThan(0);
      expectCoherent(app, details.counterexample![0]);
    });

    it('has texts present, absent, changed and kept, and deletes', () => {
      const all = fc.sample(appEventsArbitrary(app), { seed: 11, numRuns: 100 }).flat();
      const moves = textMoves(all);
      for (const [move, count] of Object.entries(moves)) expect({ move, some: count > 10 }).toEqual({ move, some: true });
    });

    it('feeds every projection of the app without a throw', () => {
      const legs = [...app.legProjections('graph'), ...app.legProjections('vector')];
      fc.assert(fc.property(eventsFor(app, { maxPerType: 2 }), (events) => {
        for (const event of events) for (const leg of legs) expect(() => leg.project(event)).not.toThrow();
      }), { numRuns: 50 });
    });
  });
});

describe('generateAppEvents', () => {
  const options = { seed: 3, entities: 400, duplicateShare: 0.05, deleteShare: 0.1, updatesPerEntity: 2, textChangeShare: 0.5 };
  const bytes = (app: App, o: Parameters<typeof generateAppEvents>[1]) =>
    generateAppEvents(app, o).map((m) => Buffer.from(m.payload).toString());

  describe.each(APPS.map((app) => ({ app, name: app.name })))('for the $name app', ({ app }) => {
    let messages: GeneratedMessage[] = [];
    let events: EntityEvent[] = [];
    let unique: EntityEvent[] = [];
    beforeAll(() => {
      messages = generateAppEvents(app, options);
      events = messages.map((m) => m.event!);
      unique = [...new Map(events.map((e) => [e.event_id, e])).values()];
    });

    it('produces the same bytes for the same seed, and others for another', () => {
      expect(bytes(app, options)).toEqual(messages.map((m) => Buffer.from(m.payload).toString()));
      expect(bytes(app, { ...options, seed: 4 })).not.toEqual(messages.map((m) => Buffer.from(m.payload).toString()));
    });

    it('publishes events that decode with the app catalogue, on its topic, keyed by entity id', () => {
      for (const m of messages) {
        expect(decodeEvent(m.payload, app.catalog)).toEqual(m.event);
        expect(m.topic).toBe(app.topicFor(m.event!.entity_type));
        expect(m.key).toBe(m.event!.entity_id);
      }
      expect(new Set(messages.map((m) => m.topic))).toEqual(new Set(app.topics));
    });

    it('keeps each entity\u2019s versions in order, references inside the set, some messages twice', () => {
      expectCoherent(app, unique);
      expect(unique.length).toBeLessThan(events.length);
      expect(new Set(unique.map((e) => e.entity_id)).size).toBe(Math.round(400 / app.entityTypes.length) * app.entityTypes.length);
    });

    it('mixes creates, updates, deletes, and texts that change and that stay', () => {
      const moves = textMoves(unique);
      for (const [move, count] of Object.entries(moves)) expect({ move, some: count > 5 }).toEqual({ move, some: true });
    });

    it('puts an id prefix before every entity id and reference', () => {
      const prefixed = generateAppEvents(app, { ...options, idPrefix: 'run-7-' });
      for (const e of prefixed.map((m) => m.event!)) {
        expect(e.entity_id.startsWith('run-7-')).toBe(true);
        for (const ref of refsIn(e.payload)) expect(ref.entity_id.startsWith('run-7-')).toBe(true);
      }
    });
  });

  it('routes the library loans to the topic the app gave them', () => {
    const topics = new Set(generateAppEvents(libraryApp, { seed: 1, entities: 30 }).filter((m) => m.event?.entity_type === 'loan').map((m) => m.topic));
    expect(topics).toEqual(new Set(['library-loans']));
  });
});
