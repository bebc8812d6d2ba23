import { cdc } from './cdc.ts';
import { janusgraph } from './janusgraph.ts';
import { opensearch } from './opensearch.ts';
import { postgres } from './postgres.ts';
import { pulsar } from './pulsar.ts';
import type { AnyServiceDefinition, ServiceDefinition, ServiceName } from './service.ts';

/** Every real server, in start order (stopped in reverse). */
export const SERVICES: readonly ServiceDefinition[] = [pulsar, janusgraph, opensearch];

/**
 * Servers the launcher starts only when named, after the default ones: PostgreSQL and the
 * Debezium service for the CDC leg (docs/adr/0021). Not in SERVICES, so neither a bare `services:up|down|status` nor the
 * integration suite touches them.
 */
export const OPTIONAL_SERVICES: readonly AnyServiceDefinition[] = [postgres, cdc];

/** The named definitions in start order; all of them when `names` is empty; throws on an unknown name. */
export function selectServices(names: readonly string[] = []): ServiceDefinition[] {
  const known = SERVICES.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n as ServiceName));
  if (unknown.length > 0) throw new Error(`CONFIG.INVALID: unknown service ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return names.length === 0 ? [...SERVICES] : SERVICES.filter((s) => names.includes(s.name));
}

/**
 * What the launcher's CLI drives: the default servers when `names` is empty, else the named
 * ones, optional servers included, in start order; throws on an unknown name.
 */
export function selectLauncherServices(names: readonly string[] = []): AnyServiceDefinition[] {
  if (names.length === 0) return [...SERVICES];
  const all: readonly AnyServiceDefinition[] = [...SERVICES, ...OPTIONAL_SERVICES];
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    const known = [...SERVICES.map((s) => s.name), ...OPTIONAL_SERVICES.map((s) => `${s.name} (only when named)`)];
    throw new Error(`CONFIG.INVALID: unknown service ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  return all.filter((s) => names.includes(s.name));
}
