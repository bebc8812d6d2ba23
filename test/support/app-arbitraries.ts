import type fc from 'fast-check';
import { appEventsArbitrary, payloadArbitrary, refsFromPool, type AppEventsOptions } from '../../src/adapters/synthetic/schema-arbitrary.ts';
import type { EntityEvent } from '../../src/domain/index.ts';
import type { App } from '../../src/projections/app.ts';

/**
 * Arbitraries for any application, derived from its schemas: what a property test of a new
 * app uses instead of hand-written ones like ./arbitraries.ts.
 */

/** Coherent histories of a few entities of every type of `app`, in time order. */
export const eventsFor = (app: App, options?: AppEventsOptions): fc.Arbitrary<EntityEvent[]> => appEventsArbitrary(app, options);

/** Payloads per entity type of `app`; references name `<type>-1` to `<type>-3` of the types they allow. */
export function payloadsFor(app: App, idsPerType = 3): Record<string, fc.Arbitrary<Record<string, unknown>>> {
  const pool = Object.fromEntries(app.entityTypes.map((t) => [t, Array.from({ length: idsPerType }, (_, i) => `${t}-${i + 1}`)]));
  return Object.fromEntries(app.entityTypes.map((t) => {
    const schema = app.catalog[t];
    if (!schema) throw new Error(`app ${app.name} has no schema for ${t}`);
    return [t, payloadArbitrary(schema, refsFromPool(pool), { path: t })];
  }));
}
