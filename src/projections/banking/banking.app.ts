import { BANKING_PAYLOADS, BANKING_TOPICS } from '../../domain/index.ts';
import { defineApp } from '../app.ts';
import { graphProjection } from './banking-graph.projection.ts';
import { vectorProjection } from './banking-vectors.projection.ts';

/**
 * The banking application: persons, companies, accounts and transactions, a graph of who owns
 * what and who paid whom, and similarity search over persons and companies. Adding a
 * projection is one file and one line in `projections` (README, "Add a projection").
 */
export const bankingApp = defineApp({
  name: 'banking',
  entities: Object.fromEntries(Object.entries(BANKING_PAYLOADS).map(([type, schema]) =>
    [type, { schema, topic: BANKING_TOPICS[type as keyof typeof BANKING_TOPICS] }])),
  projections: [
    graphProjection,
    vectorProjection,
  ],
  // Rows written straight into PostgreSQL, bypassing the producers, become events too (README, "Capture a table").
  cdc: {
    tables: [
      {
        table: 'public.persons', entityType: 'person', key: 'id',
        fields: {
          full_name: 'full_name', date_of_birth: { column: 'date_of_birth', as: 'date' }, nationality: 'nationality', city: 'city',
          occupation: 'occupation', employer: { column: 'employer_id', ref: 'company' }, risk_rating: 'risk_rating', description: 'description',
        },
        text: '{full_name}, {occupation} in {city}. {description}',
      },
      {
        table: 'public.companies', entityType: 'company', key: 'id',
        fields: {
          legal_name: 'legal_name', registration_number: 'registration_number', industry: 'industry', city: 'city', country: 'country',
          founded_on: { column: 'founded_on', as: 'date' }, description: 'description',
        },
        text: '{legal_name}, {industry} in {city}. {description}',
      },
    ],
  },
});
