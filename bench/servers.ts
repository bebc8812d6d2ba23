import { serviceContext } from '../scripts/services/context.ts';
import { SERVICES } from '../scripts/services/registry.ts';
import { probeOnce } from '../scripts/services/run-service.ts';
import type { ServiceName } from '../scripts/services/service.ts';
import { endpointsFor } from '../test/support/endpoint-urls.ts';
import { printFigures, type Figure } from './report.ts';

/**
 * Runs a server benchmark when that server answers a real request; otherwise says so and
 * how to start it. Benchmarks never start servers themselves: their timings would include it.
 */
export async function benchServer(
  name: ServiceName,
  title: string,
  run: (endpoints: Record<string, string>) => Promise<readonly Figure[]>,
): Promise<void> {
  const def = SERVICES.find((s) => s.name === name);
  if (!def) throw new Error(`unknown service ${name}`);
  const ctx = serviceContext(def, { log: () => undefined });
  const version = await probeOnce(def, ctx);
  if (!version) {
    process.stdout.write(`\n${title}\n  not measured: ${name} is not answering on ${JSON.stringify(ctx.ports)}; start it with npm run services:up -- ${name}\n`);
    return;
  }
  const endpoints = endpointsFor(name, '127.0.0.1', ctx.ports) as unknown as Record<string, string>;
  printFigures(`${title} (${version})`, await run(endpoints));
}
