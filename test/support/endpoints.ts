import { inject } from 'vitest';
import type { ServiceEndpoints, ServiceKey } from './endpoint-urls.ts';

export type { ServiceEndpoints } from './endpoint-urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/support/services.global-setup.ts for the integration project. */
    refractServices: ServiceEndpoints;
  }
}

/**
 * The endpoints of a real server for an integration test, e.g. `serviceEndpoints('pulsar').webUrl`.
 * The integration project's global setup finds or starts the servers and provides them through
 * vitest's provide/inject; throws if that server was not set up (see REFRACT_SERVICES).
 */
export function serviceEndpoints<K extends ServiceKey>(name: K): NonNullable<ServiceEndpoints[K]> {
  const found = inject('refractServices')[name];
  if (!found) {
    throw new Error(`SERVICES.NOT_PROVIDED: ${name} was not set up; run with the integration project and include it in REFRACT_SERVICES`);
  }
  return found;
}
