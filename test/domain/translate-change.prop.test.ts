import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRefractError, translateChange, type EntityEvent, type TableMapping } from '../../src/domain/index.ts';
import { defineApp } from '../../src/projections/app.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';

const encoder = new TextEncoder();
const mappings = bankingApp.cdcTables;
const catalog = bankingApp.catalog;

interface Row {
  id: string;
  full_name: string;
  date_of_birth: number;
  nationality: string;
  city: string;
  occupation: string;
  employer_id: string | null;
  risk_rating: string;
  description: string | null;
}

const row = (id: string, over: Partial<Row> = {}): Row => ({
  id, full_name: 'Ana Lima', date_of_birth: 7_000, nationality: 'PT', city: 'Porto', occupation: 'nurse',
  employer_id: null, risk_rating: 'low', description: null, ...over,
});

/** A Debezium envelope (JSON, schemas disabled) as the CDC service publishes it. */
function envelope(op: string, lsn: number, before: object | null, after: object | null, table = 'persons'): Uint8Array {
  return encoder.encode(JSON.stringify({
    before, after, op, ts_ms: 1_764_000_000_500,
    source: { connector: 'postgresql', db: 'refract', schema: 'public', table, lsn, ts_ms: 1_764_000_000_000, snapshot: 'false', txId: 700 },
  }));
}

const eventOf = (value: Uint8Array | null): EntityEvent => {
  const t = translateChange(value, mappings, catalog);
  if (t.kind !== 'event') throw new Error(`expected an event, got ${t.why}`);
  return t.event;
};

const codeOf = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    return isRefractError(error) ? error.code : String(error);
  }
  return 'no error';
};

describe('translating Debezium changes into events (docs/adr/0021)', () => {
  it('maps an insert to a create: mapped columns, a reference, a converted date, the text, the LSN as version', () => {
    const event = eventOf(envelope('c', 26_000_100, null, { ...row('p-1', { employer_id: 'c-9' }), added_later: 'ignored' }));
    expect(event).toMatchObject({
      event_type: 'create', entity_type: 'person', entity_id: 'p-1', version: 26_000_100, source: 'cdc:refract.public.persons',
      occurred_at: '2025-11-24T16:00:00.000Z', text_for_embedding: 'Ana Lima, nurse in Porto.',
      payload: {
        full_name: 'Ana Lima', date_of_birth: '1989-03-02', nationality: 'PT', city: 'Porto', occupation: 'nurse', risk_rating: 'low',
        employer: { entity_type: 'company', entity_id: 'c-9' },
      },
    });
    expect(event.payload).not.toHaveProperty('description'); // NULL: an absent optional field
    expect(event.payload).not.toHaveProperty('added_later'); // a column the mapping does not name
    expect(eventOf(envelope('c', 26_000_100, null, row('p-1', { employer_id: 'c-9' })))).toEqual({ ...event }); // deterministic, event_id too
  });

  it('gives two updates of one row in one transaction versions of their own, in order', () => {
    const first = eventOf(envelope('u', 26_000_200, null, row('p-1', { city: 'Braga' })));
    const second = eventOf(envelope('u', 26_000_260, null, row('p-1', { city: 'Faro' })));
    expect([first.event_type, second.event_type]).toEqual(['update', 'update']);
    expect(second.version).toBeGreaterThan(first.version);
    expect(second.event_id).not.toBe(first.event_id);
  });

  it('maps a delete to a delete keyed from before, a snapshot read to a create, and ignores the tombstone after a delete', () => {
    expect(eventOf(envelope('d', 26_000_300, { id: 'p-1' }, null))).toMatchObject({ event_type: 'delete', entity_id: 'p-1', version: 26_000_300, payload: {} });
    expect(eventOf(envelope('r', 26_000_000, null, row('p-2')))).toMatchObject({ event_type: 'create', entity_id: 'p-2' });
    expect(translateChange(null, mappings, catalog)).toMatchObject({ kind: 'ignored' });
  });

  it('refuses, naming what is wrong, an unmapped table, a truncate, a row that fails the entity schema, and bytes that are no envelope', () => {
    expect(codeOf(() => translateChange(envelope('c', 1, null, { id: 'x' }, 'audit_log'), mappings, catalog))).toBe('CDC.UNMAPPED_TABLE');
    expect(codeOf(() => translateChange(envelope('t', 1, null, null), mappings, catalog))).toBe('CDC.UNSUPPORTED_CHANGE');
    expect(codeOf(() => translateChange(envelope('c', 1, null, row('p-3', { risk_rating: 'extreme' })), mappings, catalog))).toBe('EVENT.INVALID');
    expect(() => translateChange(envelope('c', 1, null, row('p-3', { risk_rating: 'extreme' })), mappings, catalog)).toThrow(/payload\.risk_rating/);
    expect(codeOf(() => translateChange(encoder.encode('{"op":"c"}'), mappings, catalog))).toBe('CDC.INVALID_CHANGE');
    expect(codeOf(() => translateChange(encoder.encode('not json'), mappings, catalog))).toBe('CDC.INVALID_CHANGE');
  });

  it('is refused by defineApp when a mapping names an unknown entity type, a bad table or a field its text does not have', () => {
    const bad: TableMapping = { table: 'Public.x', entityType: 'ghost', key: 'id', fields: { a: { column: 'b', ref: 'nobody' } }, text: '{zzz}' };
    expect(() => bankingWith(bad)).toThrow(/must be <schema>.<table>.*ghost.*nobody.*\{zzz\}/s);
  });

  describe('whatever the interleaving and redelivery', () => {
    /** Serial transactions of 1–3 changes on a few rows, each change with a higher LSN than the one before (WAL order). */
    const history = fc.array(fc.array(fc.record({ key: fc.constantFrom('p-1', 'p-2', 'p-3'), city: fc.constantFrom('Porto', 'Lyon', 'Kyiv'), drop: fc.boolean() }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 });

    it('gives versions that only grow per row, and the newest event per row is the last change committed', () => {
      fc.assert(fc.property(history, fc.infiniteStream(fc.nat()), fc.nat(), (transactions, shuffle, dupSeed) => {
        const live = new Set<string>();
        const changes: { key: string; bytes: Uint8Array }[] = [];
        let lsn = 26_000_000;
        for (const tx of transactions) {
          for (const change of tx) {
            lsn += 40;
            const exists = live.has(change.key);
            const op = change.drop && exists ? 'd' : exists ? 'u' : 'c';
            if (op === 'd') live.delete(change.key);
            else live.add(change.key);
            changes.push({ key: change.key, bytes: op === 'd' ? envelope('d', lsn, { id: change.key }, null) : envelope(op, lsn, null, row(change.key, { city: change.city })) });
          }
          lsn += 40; // the commit record
        }
        // Per row, in commit order, versions strictly grow.
        const inOrder = changes.map((c) => eventOf(c.bytes));
        for (const key of ['p-1', 'p-2', 'p-3']) {
          const versions = inOrder.filter((e) => e.entity_id === key).map((e) => e.version);
          expect(versions).toEqual([...versions].sort((a, b) => a - b));
          expect(new Set(versions).size).toBe(versions.length);
        }
        // Delivered in any order, some twice: the newest version per row is the same event as the last change.
        const iterator = shuffle[Symbol.iterator]();
        const delivered = [...changes, ...changes.filter((_, i) => (i + dupSeed) % 3 === 0)]
          .map((c) => ({ c, rank: iterator.next().value as number }))
          .sort((a, b) => a.rank - b.rank)
          .map(({ c }) => eventOf(c.bytes));
        const newest = new Map<string, EntityEvent>();
        for (const e of delivered) if ((newest.get(e.entity_id)?.version ?? 0) < e.version) newest.set(e.entity_id, e);
        const lastCommitted = new Map(inOrder.map((e) => [e.entity_id, e]));
        expect(newest).toEqual(lastCommitted);
      }), { numRuns: 200 });
    });
  });
});

function bankingWith(table: TableMapping) {
  return defineApp({
    name: 'banking', entities: Object.fromEntries(bankingApp.entityTypes.map((t) => [t, { schema: bankingApp.catalog[t]! }])),
    projections: [], cdc: { tables: [table] },
  });
}
