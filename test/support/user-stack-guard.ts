import { resolvePorts } from '../../scripts/services/context.ts';
import { SERVICES } from '../../scripts/services/registry.ts';
import { probeOnce } from '../../scripts/services/run-service.ts';
import type { ServiceDefinition } from '../../scripts/services/service.ts';
import { janusgraphFingerprint } from './janusgraph-fingerprint.ts';
import { opensearchFingerprint } from './opensearch-fingerprint.ts';
import { pulsarFingerprint } from './pulsar-fingerprint.ts';
import { compareFingerprints, type Fingerprint } from './stack-fingerprint.ts';
import type { SuiteStack } from './suite-stack.ts';

/** A server that is not the suite's: the launcher's default ports, or the user's REFRACT_*_PORT. */
export interface UserServer {
  readonly def: ServiceDefinition;
  readonly ports: Readonly<Record<string, number>>;
}

/** The servers the guard watches: default and user-configured ports, never the suite's own. */
export function userServers(suite: SuiteStack, env: NodeJS.ProcessEnv = process.env): UserServer[] {
  return SERVICES.flatMap((def) => {
    const probeKey = Object.keys(def.defaultPorts)[0] ?? '';
    const candidates = [def.defaultPorts, resolvePorts(def, env)];
    const seen = new Set<number>([suite.ports[def.name][probeKey] ?? -1]);
    return candidates.filter((ports) => {
      const port = ports[probeKey] ?? -1;
      if (seen.has(port)) return false;
      seen.add(port);
      return true;
    }).map((ports) => ({ def, ports }));
  });
}

/** Reads every user server that answers; `verify` reads them again and lists what changed. */
export async function watchUserServers(
  servers: readonly UserServer[], log: (message: string) => void,
): Promise<{ verify(): Promise<string[]> }> {
  const watched: { server: UserServer; before: Fingerprint; sampleIds?: unknown[] }[] = [];
  for (const server of servers) {
    const ctx = { dir: '', ports: server.ports, log: () => undefined };
    const version = await probeOnce(server.def, ctx);
    if (!version) continue;
    const reading = await fingerprint(server).catch((error: unknown) => {
      throw new Error(
        `GUARD.UNREADABLE: ${server.def.name} on ${JSON.stringify(server.ports)} answers (${version}) but could not be read before the run ` +
        `(${error instanceof Error ? error.message : String(error)}); the suite will not run beside a server it cannot check. ` +
        'Stop it, or set REFRACT_TEST_STACK_GUARD=off.',
      );
    });
    log(`guard: ${reading.target} (${version}) is not the suite's; recorded ${Object.keys(reading.facts).length} facts to check after the run`);
    watched.push({ server, before: reading, sampleIds: 'sampleIds' in reading ? reading.sampleIds : undefined });
  }
  return {
    async verify() {
      const changes: string[] = [];
      for (const { server, before, sampleIds } of watched) {
        try {
          changes.push(...compareFingerprints(before, await fingerprint(server, sampleIds)));
        } catch (error) {
          changes.push(`${before.target}: could not be read again (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      return changes;
    },
  };
}

function fingerprint(server: UserServer, sampleIds?: unknown[]): Promise<Fingerprint & { sampleIds?: unknown[] }> {
  const port = (key: string) => server.ports[key] ?? server.def.defaultPorts[key] ?? 0;
  switch (server.def.name) {
    case 'pulsar':
      return pulsarFingerprint(`http://127.0.0.1:${port('web')}`);
    case 'janusgraph':
      return janusgraphFingerprint(`ws://127.0.0.1:${port('gremlin')}/gremlin`, sampleIds);
    case 'opensearch':
      return opensearchFingerprint(`http://127.0.0.1:${port('http')}`);
  }
}
