import {
  CURRENT_SCHEMA_VERSION, topicFor, type Account, type BankingEntityType, type Company, type EntityEvent,
  type Person, type Transaction,
} from '../../domain/index.ts';
import { seededRandom } from '../memory/seeded-random.ts';
import * as V from './vocabulary.ts';
import { malformedVariant } from './malformed.ts';
import type { GeneratedMessage } from './generated-message.ts';

export interface GeneratorOptions {
  readonly seed: number;
  /** How many distinct entities (of all four types) to create. */
  readonly entities: number;
  /** Mean number of updates per entity; each is a full new state. */
  readonly updatesPerEntity?: number;
  /** Share of person/company updates that change the embedded text (the rest are metadata only). */
  readonly textChangeShare?: number;
  readonly deleteShare?: number;
  /** Share of messages published twice (a producer retry). */
  readonly duplicateShare?: number;
  /** Share of extra messages that are malformed, for the dead-letter path. */
  readonly malformedShare?: number;
  /**
   * Put before every entity id, references included. The same seed then yields the same
   * events under ids of their own, so a second run on the same stores writes new entities
   * instead of versions those stores already hold.
   */
  readonly idPrefix?: string;
}

export type { GeneratedMessage } from './generated-message.ts';

const MIX: readonly [BankingEntityType, number][] = [['company', 0.1], ['person', 0.3], ['account', 0.3], ['transaction', 0.3]];
const BASE_TIME = Date.UTC(2026, 0, 1);

/** Seeded, reproducible synthetic banking events: creates, updates, deletes, duplicates, garbage. */
export function generateBankingEvents(options: GeneratorOptions): GeneratedMessage[] {
  const rnd = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const uuid = () => uuidFrom(rnd);
  const counts = MIX.map(([type, share]) => [type, Math.max(1, Math.round(options.entities * share))] as const);
  const ids = Object.fromEntries(counts.map(([type, n]) => [type, Array.from({ length: n }, (_, i) => `${options.idPrefix ?? ''}${type.slice(0, 3)}-${i + 1}`)])) as Record<BankingEntityType, string[]>;
  const owners = [...ids.person.map((id) => ['person', id] as const), ...ids.company.map((id) => ['company', id] as const)];

  const make: Record<BankingEntityType, (id: string) => { payload: Record<string, unknown>; text?: string }> = {
    person: () => {
      const [city, country] = pick(V.CITIES);
      const p: Person = {
        full_name: `${pick(V.FIRST_NAMES)} ${pick(V.LAST_NAMES)}`, date_of_birth: date(rnd, 1950, 2004),
        nationality: country, city, occupation: pick(V.OCCUPATIONS), risk_rating: pick(['low', 'low', 'medium', 'high'] as const),
        description: `${pick(V.INTERESTS)} and ${pick(V.INTERESTS)}`,
        ...(rnd() < 0.7 ? { employer: { entity_type: 'company' as const, entity_id: pick(ids.company) } } : {}),
      };
      return { payload: p, text: `${p.full_name}, ${p.occupation} in ${p.city}. ${p.description ?? ''}` };
    },
    company: (id) => {
      const [city, country] = pick(V.CITIES);
      const c: Company = {
        legal_name: `${pick(V.COMPANY_WORDS)} ${pick(V.INDUSTRIES).split(' ')[0] ?? ''} ${pick(V.COMPANY_SUFFIXES)}`,
        registration_number: `HRB-${serial(id)}`, industry: pick(V.INDUSTRIES), city, country,
        founded_on: date(rnd, 1950, 2024), description: pick(V.COMPANY_TRAITS),
      };
      return { payload: c, text: `${c.legal_name}, a ${c.industry} company in ${c.city}; it ${c.description ?? ''}.` };
    },
    account: (id) => {
      const [type, owner] = pick(owners);
      const a: Account = {
        iban: `DE${String(10 + Math.floor(rnd() * 89))}${serial(id).padStart(18, '0')}`, currency: pick(V.CURRENCIES),
        account_type: type === 'company' ? 'business' : pick(['current', 'savings'] as const), status: 'active',
        opened_at: timestamp(rnd, -2000), owner: { entity_type: type, entity_id: owner },
      };
      return { payload: a };
    },
    transaction: () => {
      const t: Transaction = {
        amount: Math.round(rnd() ** 3 * 5_000_000) / 100 + 1, currency: pick(V.CURRENCIES), booked_at: timestamp(rnd, -365),
        channel: pick(['sepa', 'sepa', 'card', 'swift', 'internal', 'cash'] as const), reference: `INV-${Math.floor(rnd() * 1e6)}`,
        from_account: { entity_type: 'account', entity_id: pick(ids.account) },
        to_account: { entity_type: 'account', entity_id: pick(ids.account) },
      };
      return { payload: t };
    },
  };

  const timeline: { at: number; event: EntityEvent }[] = [];
  const meanUpdates = options.updatesPerEntity ?? 1;
  for (const [type] of counts) {
    for (const id of ids[type]) {
      let at = BASE_TIME + Math.floor(rnd() * 86_400_000);
      let state = make[type](id);
      const push = (event_type: EntityEvent['event_type'], version: number) => {
        const text = event_type === 'delete' ? undefined : state.text;
        timeline.push({ at, event: {
          event_id: uuid(), event_type, entity_type: type, entity_id: id, version,
          occurred_at: new Date(at).toISOString(), payload: event_type === 'delete' ? {} : state.payload,
          ...(text ? { text_for_embedding: text } : {}), source: 'generator', schema_version: CURRENT_SCHEMA_VERSION,
        } });
        at += 1 + Math.floor(rnd() * 3_600_000);
      };
      push('create', 1);
      const updates = Math.floor(rnd() * (2 * meanUpdates + 1));
      for (let v = 2; v < 2 + updates; v++) {
        state = update(type, state, rnd() < (options.textChangeShare ?? 0.2), make[type](id), rnd);
        push('update', v);
      }
      if (rnd() < (options.deleteShare ?? 0.03)) push('delete', 2 + updates);
    }
  }
  timeline.sort((a, b) => a.at - b.at);

  const out: GeneratedMessage[] = [];
  const encoder = new TextEncoder();
  for (const { event } of timeline) {
    const message = { topic: topicFor(event.entity_type), key: event.entity_id, payload: encoder.encode(JSON.stringify(event)), event };
    out.push(message);
    if (rnd() < (options.duplicateShare ?? 0)) out.push(message);
    if (rnd() < (options.malformedShare ?? 0)) out.push(malformedVariant(event, rnd));
  }
  return out;
}

type State = { payload: Record<string, unknown>; text?: string };

/** A metadata-only update keeps the text; a text update takes the descriptive fields of a fresh draw. */
function update(type: BankingEntityType, state: State, changeText: boolean, fresh: State, rnd: () => number): State {
  const payload = { ...state.payload };
  if (type === 'person' || type === 'company') {
    if (changeText) {
      for (const field of ['occupation', 'industry', 'description']) if (field in fresh.payload) payload[field] = fresh.payload[field];
      const text = (type === 'person' ? textOfPerson : textOfCompany)(payload);
      return { payload, text };
    }
    if (type === 'person') payload['risk_rating'] = rnd() < 0.5 ? 'medium' : 'high';
    else payload['registration_number'] = `HRB-${Math.floor(rnd() * 1e6)}`;
    return { ...state, payload };
  }
  if (type === 'account') payload['status'] = rnd() < 0.8 ? 'frozen' : 'closed';
  else payload['reference'] = `CORR-${Math.floor(rnd() * 1e6)}`;
  return { payload };
}

const textOfPerson = (p: Record<string, unknown>) => `${String(p['full_name'])}, ${String(p['occupation'])} in ${String(p['city'])}. ${str(p['description'])}`;
const textOfCompany = (c: Record<string, unknown>) => `${String(c['legal_name'])}, a ${String(c['industry'])} company in ${String(c['city'])}; it ${str(c['description'])}.`;
const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The running number of an id (`per-12` → `12`), whatever prefix it carries. */
const serial = (id: string) => id.slice(id.lastIndexOf('-') + 1);

const date = (rnd: () => number, from: number, to: number) =>
  new Date(Date.UTC(from + Math.floor(rnd() * (to - from)), Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28))).toISOString().slice(0, 10);
const timestamp = (rnd: () => number, daysBack: number) => new Date(BASE_TIME + Math.floor(rnd() * daysBack * 86_400_000)).toISOString();

/** A version-4 UUID drawn from a seeded generator, so generated events replay exactly. */
export function uuidFrom(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(rnd() * 4)).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
