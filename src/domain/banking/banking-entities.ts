import { z } from 'zod';
import { entityRefSchema } from './entity-ref.ts';

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code such as DE');

export const personSchema = z.strictObject({
  full_name: z.string().min(1).max(200),
  date_of_birth: isoDate,
  nationality: country,
  city: z.string().min(1).max(100),
  occupation: z.string().min(1).max(100),
  employer: entityRefSchema(['company']).optional(),
  risk_rating: z.enum(['low', 'medium', 'high']),
  description: z.string().max(2000).optional(),
});

export const companySchema = z.strictObject({
  legal_name: z.string().min(1).max(200),
  registration_number: z.string().min(1).max(50),
  industry: z.string().min(1).max(100),
  city: z.string().min(1).max(100),
  country,
  founded_on: isoDate,
  description: z.string().max(2000).optional(),
});

export const accountSchema = z.strictObject({
  iban: z.string().regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/, 'an IBAN'),
  currency,
  account_type: z.enum(['current', 'savings', 'business', 'loan']),
  status: z.enum(['active', 'frozen', 'closed']),
  opened_at: isoDateTime,
  owner: entityRefSchema(['person', 'company']),
});

export const transactionSchema = z.strictObject({
  amount: z.number().positive().max(1e12),
  currency,
  booked_at: isoDateTime,
  reference: z.string().max(140).optional(),
  channel: z.enum(['sepa', 'swift', 'card', 'cash', 'internal']),
  from_account: entityRefSchema(['account']),
  to_account: entityRefSchema(['account']),
});

export type Person = z.infer<typeof personSchema>;
export type Company = z.infer<typeof companySchema>;
export type Account = z.infer<typeof accountSchema>;
export type Transaction = z.infer<typeof transactionSchema>;

/** The payload schema per entity type: the catalogue the edge validates against. */
export const BANKING_PAYLOADS = {
  person: personSchema,
  company: companySchema,
  account: accountSchema,
  transaction: transactionSchema,
} as const;

export type BankingEntityType = keyof typeof BANKING_PAYLOADS;
export const BANKING_ENTITY_TYPES = Object.keys(BANKING_PAYLOADS) as BankingEntityType[];

