import type { BankingEntityType } from './banking-entities.ts';

/** One topic per entity type (keyed by entity_id), named in the plural. */
export const BANKING_TOPICS: Readonly<Record<BankingEntityType, string>> = {
  person: 'persons',
  company: 'companies',
  account: 'accounts',
  transaction: 'transactions',
};

export const topicFor = (entityType: string): string =>
  (BANKING_TOPICS as Readonly<Record<string, string>>)[entityType] ?? `${entityType}s`;

/** Every banking topic: what each leg subscribes to. */
export const BANKING_TOPIC_NAMES: readonly string[] = Object.values(BANKING_TOPICS);
