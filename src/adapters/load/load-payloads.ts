import type { Account, BankingEntityType, Company, Person, Transaction } from '../../domain/index.ts';
import * as V from '../synthetic/vocabulary.ts';

export interface Drawn {
  readonly payload: Record<string, unknown>;
  readonly text?: string;
}

/** Draws a fresh state for an entity of each type; references point at ids of the same run. */
export interface PayloadMaker {
  draw(type: BankingEntityType, id: string, now: number): Drawn;
  /** The same entity with other metadata: its text, if it has one, unchanged. */
  touch(type: BankingEntityType, state: Drawn, now: number): Drawn;
  /** The same entity with a new text (persons and companies only). */
  retext(type: BankingEntityType, state: Drawn, now: number): Drawn;
}

export function createPayloadMaker(rnd: () => number, idsOf: (type: BankingEntityType) => readonly string[]): PayloadMaker {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const day = (now: number, daysBack: number) => new Date(now - Math.floor(rnd() * daysBack * 86_400_000)).toISOString();
  const personText = (p: Person) => `${p.full_name}, ${p.occupation} in ${p.city}. ${p.description ?? ''}`;
  const companyText = (c: Company) => `${c.legal_name}, a ${c.industry} company in ${c.city}; it ${c.description ?? ''}.`;

  const draw = (type: BankingEntityType, id: string, now: number): Drawn => {
    switch (type) {
      case 'person': {
        const [city, country] = pick(V.CITIES);
        const p: Person = {
          full_name: `${pick(V.FIRST_NAMES)} ${pick(V.LAST_NAMES)}`, date_of_birth: day(now, 20_000).slice(0, 10), nationality: country, city,
          occupation: pick(V.OCCUPATIONS), risk_rating: pick(['low', 'low', 'medium', 'high'] as const),
          description: `${pick(V.INTERESTS)} and ${pick(V.INTERESTS)}`,
          ...(rnd() < 0.7 ? { employer: { entity_type: 'company' as const, entity_id: pick(idsOf('company')) } } : {}),
        };
        return { payload: p, text: personText(p) };
      }
      case 'company': {
        const [city, country] = pick(V.CITIES);
        const c: Company = {
          legal_name: `${pick(V.COMPANY_WORDS)} ${pick(V.INDUSTRIES).split(' ')[0] ?? ''} ${pick(V.COMPANY_SUFFIXES)}`,
          registration_number: `HRB-${Math.floor(rnd() * 1e6)}`, industry: pick(V.INDUSTRIES), city, country,
          founded_on: day(now, 20_000).slice(0, 10), description: pick(V.COMPANY_TRAITS),
        };
        return { payload: c, text: companyText(c) };
      }
      case 'account': {
        const ownerType = rnd() < 0.75 ? 'person' : 'company';
        const a: Account = {
          iban: `DE${String(10 + Math.floor(rnd() * 89))}${String(Math.floor(rnd() * 1e12)).padStart(18, '0')}`, currency: pick(V.CURRENCIES),
          account_type: ownerType === 'company' ? 'business' : pick(['current', 'savings'] as const), status: 'active',
          opened_at: day(now, 2000), owner: { entity_type: ownerType, entity_id: pick(idsOf(ownerType)) },
        };
        return { payload: a };
      }
      case 'transaction': {
        const t: Transaction = {
          amount: Math.round(rnd() ** 3 * 5_000_000) / 100 + 1, currency: pick(V.CURRENCIES), booked_at: new Date(now).toISOString(),
          channel: pick(['sepa', 'sepa', 'card', 'swift', 'internal', 'cash'] as const), reference: `INV-${Math.floor(rnd() * 1e6)}`,
          from_account: { entity_type: 'account', entity_id: pick(idsOf('account')) },
          to_account: { entity_type: 'account', entity_id: pick(idsOf('account')) },
        };
        return { payload: t };
      }
    }
  };

  return {
    draw,
    touch(type, state) {
      const payload = { ...state.payload };
      if (type === 'person') payload['risk_rating'] = pick(['low', 'medium', 'high']);
      else if (type === 'company') payload['registration_number'] = `HRB-${Math.floor(rnd() * 1e6)}`;
      else if (type === 'account') payload['status'] = pick(['active', 'frozen', 'closed']);
      else payload['reference'] = `CORR-${Math.floor(rnd() * 1e6)}`;
      return state.text === undefined ? { payload } : { payload, text: state.text };
    },
    retext(type, state, now) {
      // A draw can repeat the old words; a "new text" that is not new would be embedded by nobody.
      for (let attempt = 0; ; attempt++) {
        const fresh = draw(type, '', now);
        const payload = { ...state.payload };
        for (const field of ['occupation', 'industry', 'description']) if (field in fresh.payload) payload[field] = fresh.payload[field];
        const text = type === 'person' ? personText(payload as Person) : companyText(payload as Company);
        if (text !== state.text || attempt >= 20) return { payload, text };
      }
    },
  };
}
