import type { TestProject } from 'vitest/node';
import { selectServices } from '../../scripts/services/registry.ts';
import { endpointsFor } from './endpoint-urls.ts';
import type { ServiceEndpoints, ServiceLaunchers } from './endpoints.ts';
import { obtainSuiteServer } from './suite-servers.ts';
import { suiteStack } from './suite-stack.ts';
import { userServers, watchUserServers } from './user-stack-guard.ts';

/**
 * Global setup of the integration project (docs/adr/0011). The suite runs on servers of its
 * own: ports and a services folder no default `npm run services:up` uses (suite-stack.ts).
 * Before anything else it fingerprints every server answering on the default (or the user's
 * REFRACT_*_PORT) ports; after the run it reads them again and fails the run if anything
 * there changed. Then, for each server (REFRACT_SERVICES=pulsar,janusgraph limits which;
 * REFRACT_SERVICES=none sets up none, for a run that only exercises the guard),
 * see obtainSuiteServer: the suite's own running server, else Docker, else the launcher.
 * Tests read the endpoints with `serviceEndpoints(name)` (vitest provide/inject). Teardown
 * stops only what this setup started, unless REFRACT_KEEP_SERVICES=1.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = suiteStack();
  const log = (message: string) => console.log(message);
  const guard = process.env.REFRACT_TEST_STACK_GUARD === 'off'
    ? (log('guard: REFRACT_TEST_STACK_GUARD=off: servers outside the suite are NOT checked for changes'), undefined)
    : await watchUserServers(userServers(stack), log);

  const wanted = (process.env.REFRACT_SERVICES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const stopStarted = async (): Promise<void> => {
    if (process.env.REFRACT_KEEP_SERVICES === '1') {
      if (stops.length > 0) log(`services: kept running (REFRACT_KEEP_SERVICES=1): ${stops.map((s) => s.name).join(', ')}`);
      return;
    }
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((error: unknown) => console.error(`${name}: stop failed: ${String(error)}`));
    }
  };
  const endpoints: Record<string, unknown> = {};
  const launchers: ServiceLaunchers = {};
  try {
    for (const def of wanted.includes('none') ? [] : selectServices(wanted)) {
      const server = await obtainSuiteServer(def, stack);
      endpoints[def.name] = endpointsFor(def.name, server.host, server.ports);
      if (server.launcher) launchers[def.name] = server.launcher;
      if (server.stop) stops.push({ name: def.name, stop: server.stop });
    }
  } catch (error) {
    await stopStarted();
    throw error;
  }
  const provided: ServiceEndpoints = endpoints;
  project.provide('refractServices', provided);
  project.provide('refractLaunchers', launchers);

  return async () => {
    await stopStarted();
    const changes = (await guard?.verify()) ?? [];
    if (changes.length === 0) return;
    // Vitest only logs an error thrown here; the exit code must say it too.
    process.exitCode = 1;
    throw new Error(
      `GUARD.USER_DATA_CHANGED: servers the suite does not own changed during the run:\n  ${changes.join('\n  ')}\n` +
      'Either a test reached them (a bug to fix) or something else wrote to them meanwhile (REFRACT_TEST_STACK_GUARD=off skips this check).',
    );
  };
}
