import { serviceContext } from '../scripts/services/context.ts';
import { SERVICES } from '../scripts/services/registry.ts';
import { probeOnce } from '../scripts/services/run-service.ts';
import type { ServiceName } from '../scripts/services/service.ts';
import { endpointsFor } from '../test/support/endpoint-urls.ts';

/** Where the real stack answers, found the way `npm run bench` finds each server. */
export interface RealStack {
  readonly pulsarUrl: string;
  readonly janusgraphUrl: string;
  readonly opensearchUrl: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The three servers' URLs when every one of them answers a real request; otherwise which did not. */
export async function findRealStack(): Promise<RealStack | { missing: string[] }> {
  const found: Partial<Record<ServiceName, { endpoints: Record<string, string>; version: string }>> = {};
  const missing: string[] = [];
  for (const name of ['pulsar', 'janusgraph', 'opensearch'] as const) {
    const def = SERVICES.find((s) => s.name === name);
    if (!def) throw new Error(`unknown service ${name}`);
    const ctx = serviceContext(def, { log: () => undefined });
    const version = await probeOnce(def, ctx);
    if (!version) missing.push(`${name} on ${JSON.stringify(ctx.ports)}`);
    else found[name] = { endpoints: endpointsFor(name, '127.0.0.1', ctx.ports) as unknown as Record<string, string>, version };
  }
  const { pulsar, janusgraph, opensearch } = found;
  if (!pulsar || !janusgraph || !opensearch) return { missing };
  return {
    pulsarUrl: pulsar.endpoints['webUrl'] ?? '', janusgraphUrl: janusgraph.endpoints['gremlinUrl'] ?? '', opensearchUrl: opensearch.endpoints['url'] ?? '',
    versions: { pulsar: pulsar.version, janusgraph: janusgraph.version, opensearch: opensearch.version },
  };
}
