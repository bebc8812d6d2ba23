import { janusgraph } from './janusgraph.ts';
import { opensearch } from './opensearch.ts';
import { pulsar } from './pulsar.ts';
import type { ServiceDefinition, ServiceName } from './service.ts';

/** Every real server, in start order (stopped in reverse). */
export const SERVICES: readonly ServiceDefinition[] = [pulsar, janusgraph, opensearch];

/** The named definitions in start order; all of them when `names` is empty; throws on an unknown name. */
export function selectServices(names: readonly string[] = []): ServiceDefinition[] {
  const known = SERVICES.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n as ServiceName));
  if (unknown.length > 0) throw new Error(`CONFIG.INVALID: unknown service ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return names.length === 0 ? [...SERVICES] : SERVICES.filter((s) => names.includes(s.name));
}
