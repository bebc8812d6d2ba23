import { fileURLToPath } from 'node:url';
import { clientSettings, secureLayout, secureUrls } from '../../scripts/services/secure.ts';
import type { ServiceName } from '../../scripts/services/service.ts';
import { SUITE_PORTS } from './suite-stack.ts';

/**
 * The secured pass of the integration suite (docs/adr/0022): Pulsar, JanusGraph and OpenSearch
 * with TLS and authentication, in a services folder and on ports of their own, beside the
 * suite's unsecured stack. Its certificates and credentials are the launcher's throwaway ones.
 */
export const SECURE_ROOT = fileURLToPath(new URL('../../.services/test-secure/', import.meta.url));

/** The suite's ports with a 2 in front instead of its 1 (18080 → 28080). */
const plus10k = (ports: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(ports).map(([key, port]) => [key, port + 10_000]));
export const SECURE_PORTS: Readonly<Record<ServiceName, Readonly<Record<string, number>>>> = Object.fromEntries(
  Object.entries(SUITE_PORTS).map(([name, ports]) => [name, plus10k(ports)]),
) as Record<ServiceName, Record<string, number>>;

export const SECURE_MATERIAL = secureLayout(`${SECURE_ROOT}secure`);

/** What the secure project's workers and the processes they start get: Refract's settings for the secured stack. */
export function secureStackEnv(): Record<string, string> {
  return { ...clientSettings(SECURE_MATERIAL, secureUrls(SECURE_PORTS)), REFRACT_METRICS_PORT: '0' };
}
