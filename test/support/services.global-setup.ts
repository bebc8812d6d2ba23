import type { TestProject } from 'vitest/node';
import { serviceContext } from '../../scripts/services/context.ts';
import { selectServices } from '../../scripts/services/registry.ts';
import { probeOnce, startService, stopService } from '../../scripts/services/run-service.ts';
import type { ServiceDefinition } from '../../scripts/services/service.ts';
import { dockerEngine } from './docker-engine.ts';
import { endpointsFor } from './endpoint-urls.ts';
import type { ServiceEndpoints } from './endpoints.ts';
import { startServiceContainer } from './service-containers.ts';

/**
 * Global setup of the integration project: for each real server (REFRACT_SERVICES=pulsar,janusgraph
 * limits which; default all), in order:
 *   1. if its probe answers on the configured ports (REFRACT_*_PORT), use it;
 *   2. else if a Docker engine answers, start its official image with testcontainers;
 *   3. else start it with the project's launcher (scripts/services, from Maven Central).
 * Tests read the endpoints with `serviceEndpoints(name)` from ./endpoints.ts (vitest provide/inject).
 * Teardown stops only what this setup started, unless REFRACT_KEEP_SERVICES=1.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = (process.env.REFRACT_SERVICES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const teardown = async (): Promise<void> => {
    if (process.env.REFRACT_KEEP_SERVICES === '1') {
      if (stops.length > 0) console.log(`services: kept running (REFRACT_KEEP_SERVICES=1): ${stops.map((s) => s.name).join(', ')}`);
      return;
    }
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((error: unknown) => console.error(`${name}: stop failed: ${String(error)}`));
    }
  };
  const endpoints: Record<string, unknown> = {};
  try {
    for (const def of selectServices(wanted)) {
      const found = await obtain(def);
      endpoints[def.name] = endpointsFor(def.name, found.host, found.ports);
      if (found.stop) stops.push({ name: def.name, stop: found.stop });
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  const provided: ServiceEndpoints = endpoints;
  project.provide('refractServices', provided);
  return teardown;
}

interface Obtained {
  readonly host: string;
  readonly ports: Readonly<Record<string, number>>;
  readonly stop?: () => Promise<unknown>;
}

async function obtain(def: ServiceDefinition): Promise<Obtained> {
  const ctx = serviceContext(def);
  const running = await probeOnce(def, ctx);
  if (running) {
    ctx.log(`using the server already running (${running})`);
    return { host: '127.0.0.1', ports: ctx.ports };
  }
  const reasons = [`nothing answered on ${JSON.stringify(ctx.ports)}`];
  const docker = await dockerEngine();
  if (docker.ok) {
    try {
      ctx.log('starting its container with testcontainers');
      const started = await startServiceContainer(def.name);
      return { host: started.host, ports: started.ports, stop: () => started.stop() };
    } catch (error) {
      reasons.push(`Docker: ${message(error)}`);
    }
  } else {
    reasons.push(docker.reason);
  }
  try {
    const result = await startService(def, ctx);
    return { host: '127.0.0.1', ports: ctx.ports, stop: result.started ? () => stopService(def, ctx) : undefined };
  } catch (error) {
    reasons.push(`launcher: ${message(error)}`);
  }
  throw new Error(`SERVICES.UNAVAILABLE: ${def.name}: ${reasons.join('; ')}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
