import { serviceContext } from '../../scripts/services/context.ts';
import { SERVICES } from '../../scripts/services/registry.ts';
import { probeOnce, startService, stopService } from '../../scripts/services/run-service.ts';
import { ensureSecureMaterial } from '../../scripts/services/secure.ts';
import { SECURE_PORTS, SECURE_ROOT } from './secure-stack.ts';
import { suiteOwnership } from './suite-ownership.ts';

/**
 * Global setup of the secure project (docs/adr/0022): makes the throwaway certificates and
 * credentials of .services/test-secure/ once, then finds or starts Pulsar, JanusGraph and
 * OpenSearch there, secured, through the launcher. A server answering on those ports that the
 * launcher did not start there fails the run, naming the port. Teardown stops what this setup
 * started, unless REFRACT_KEEP_SERVICES=1.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const log = (message: string) => console.log(`secure: ${message}`);
  await ensureSecureMaterial(SECURE_ROOT, log);
  const started: (() => Promise<unknown>)[] = [];
  const stopStarted = async () => {
    if (process.env.REFRACT_KEEP_SERVICES === '1') return;
    for (const stop of started.reverse()) await stop().catch((error: unknown) => console.error(`secure: stop failed: ${String(error)}`));
  };
  try {
    for (const def of SERVICES) {
      const ctx = serviceContext(def, { root: SECURE_ROOT, ports: SECURE_PORTS[def.name], log: (m) => log(`${def.name}: ${m}`) });
      if (!ctx.secure) throw new Error(`SERVICES.NOT_SECURED: ${SECURE_ROOT} has no secure material`);
      const answering = await probeOnce(def, ctx);
      if (answering) {
        const proof = suiteOwnership(ctx);
        if (!proof.own) throw new Error(`SERVICES.PORT_TAKEN: something answers on ${JSON.stringify(ctx.ports)} as a secured ${def.name}, but not the launcher's server in ${ctx.dir} (${proof.why})`);
        ctx.log(`using the secure pass's own server (${answering})`);
        continue;
      }
      const result = await startService(def, ctx);
      if (result.started) started.push(() => stopService(def, ctx));
    }
  } catch (error) {
    await stopStarted();
    throw error;
  }
  return stopStarted;
}
