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
});
