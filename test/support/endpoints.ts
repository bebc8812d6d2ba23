import { inject } from 'vitest';
import type { ServiceEndpoints, ServiceKey } from './endpoint-urls.ts';

export type { ServiceEndpoints } from './endpoint-urls.ts';

/** Servers the launcher runs for the suite: their services folder and ports (containers are absent). */
export type ServiceLaunchers = Partial<Record<ServiceKey, { readonly root: string; readonly ports: Readonly<Record<string, number>> }>>;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/support/services.global-setup.ts for the integration project. */
    refractServices: ServiceEndpoints;
    /** Set by the same setup: which servers the launcher runs, so a test can restart them. */
    refractLaunchers: ServiceLaunchers;
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

/**
 * How the launcher runs a server for this suite, for tests that stop and restart it; throws
 * when the server is a container (restarting one can change its mapped ports).
 */
export function launchedService(name: ServiceKey): NonNullable<ServiceLaunchers[ServiceKey]> {
  const found = inject('refractLaunchers')[name];
  if (!found) {
    throw new Error(`SERVICES.NOT_LAUNCHED: ${name} does not run under the project's launcher in this run (a container?); this test restarts servers through the launcher`);
  }
  return found;
}
