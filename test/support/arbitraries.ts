import fc from 'fast-check';
import { CURRENT_SCHEMA_VERSION, type BankingEntityType, type EntityEvent } from '../../src/domain/index.ts';

const ids = (prefix: string) => fc.constantFrom(...[1, 2, 3].map((i) => `${prefix}-${i}`));
const ref = <T extends string>(type: T) => ids(type.slice(0, 3)).map((entity_id) => ({ entity_type: type, entity_id }));
const texts = fc.constantFrom('tax accountant in Berlin', 'paediatric nurse in Lyon', 'steel trading company in Milan', 'art dealer who sails', '   ');

const payloads: Record<BankingEntityType, fc.Arbitrary<Record<string, unknown>>> = {
  person: fc.record(
    {
      full_name: fc.constantFrom('Anna Keller', 'Ben Novak'),
      date_of_birth: fc.constantFrom('1980-02-03', '1991-12-30'),
      nationality: fc.constantFrom('DE', 'FR'),
      city: fc.constantFrom('Berlin', 'Lyon'),
      occupation: fc.constantFrom('nurse', 'pilot'),
      employer: ref('company'),
      risk_rating: fc.constantFrom('low', 'high'),
    },
    { requiredKeys: ['full_name', 'date_of_birth', 'nationality', 'city', 'occupation', 'risk_rating'] },
  ),
  company: fc.record({
    legal_name: fc.constantFrom('Atlas GmbH', 'Orion SA'),
    registration_number: fc.constantFrom('HRB-1', 'HRB-2'),
    industry: fc.constantFrom('shipping', 'pharmaceuticals'),
    city: fc.constantFrom('Milan', 'Paris'),
    country: fc.constantFrom('IT', 'FR'),
    founded_on: fc.constant('2001-05-06'),
  }),
  account: fc.record({
    iban: fc.constantFrom('DE89370400440532013000', 'FR1420041010050500013M02606'),
    currency: fc.constantFrom('EUR', 'CHF'),
    account_type: fc.constantFrom('current', 'business'),
    status: fc.constantFrom('active', 'frozen'),
    opened_at: fc.constant('2020-01-01T00:00:00.000Z'),
    owner: fc.oneof(ref('person'), ref('company')),
  }),
  transaction: fc.record({
    amount: fc.integer({ min: 1, max: 1_000_000 }).map((cents) => cents / 100),
    currency: fc.constant('EUR'),
    booked_at: fc.constantFrom('2026-01-02T10:00:00.000Z', '2026-03-04T11:00:00.000Z'),
    channel: fc.constantFrom('sepa', 'card'),
    from_account: ref('account'),
    to_account: ref('account'),
  }),
};

/** The full, version-ordered history of one entity: distinct versions, any event types. */
export const entityHistory = (type: BankingEntityType, id: string): fc.Arbitrary<EntityEvent[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 })
    .chain((versions) =>
      fc.tuple(
        ...versions.sort((a, b) => a - b).map((version, i) =>
          fc.record({
            kind: i === 0 ? fc.constant('create' as const) : fc.constantFrom('update' as const, 'update' as const, 'delete' as const),
            payload: payloads[type],
            text: fc.option(texts, { nil: undefined, freq: 5 }),
            uuid: fc.uuid({ version: 4 }),
          }).map(({ kind, payload, text, uuid }): EntityEvent => ({
            event_id: uuid,
            event_type: kind,
            entity_type: type,
            entity_id: id,
            version,
            occurred_at: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString(),
            payload: kind === 'delete' ? {} : payload,
            ...(kind !== 'delete' && text && (type === 'person' || type === 'company') ? { text_for_embedding: text } : {}),
            source: 'property-test',
            schema_version: CURRENT_SCHEMA_VERSION,
          })),
        ),
      ),
    );

/** Histories for a few entities of every type, ids drawn from the same small pools as references. */
export const bankingHistories: fc.Arbitrary<EntityEvent[]> = fc
  .tuple(
    fc.subarray(['per-1', 'per-2', 'per-3']),
    fc.subarray(['com-1', 'com-2']),
    fc.subarray(['acc-1', 'acc-2', 'acc-3']),
    fc.subarray(['tra-1', 'tra-2']),
  )
  .chain(([persons, companies, accounts, transactions]) =>
    fc.tuple(
      ...persons.map((id) => entityHistory('person', id)),
      ...companies.map((id) => entityHistory('company', id)),
      ...accounts.map((id) => entityHistory('account', id)),
      ...transactions.map((id) => entityHistory('transaction', id)),
    ),
  )
  .map((histories) => histories.flat());

/**
 * A delivery plan: the events in any order, each any number of times (at least once),
 * cut into batches of any size.
 */
export const deliveryPlan = (events: readonly EntityEvent[]) =>
  fc.record({
    order: fc
      .array(fc.nat({ max: Math.max(0, events.length - 1) }), { maxLength: events.length * 2 })
      .chain((extra) => {
        const all = [...events.map((_, i) => i), ...(events.length ? extra : [])];
        return fc.shuffledSubarray(all, { minLength: all.length });
      }),
    batchSize: fc.integer({ min: 1, max: 7 }),
  });
