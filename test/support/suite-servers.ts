import { serviceContext } from '../../scripts/services/context.ts';
import { probeOnce, startService, stopService } from '../../scripts/services/run-service.ts';
import type { ServiceContext, ServiceDefinition } from '../../scripts/services/service.ts';
import { dockerEngine } from './docker-engine.ts';
import { describeListeners, listeningInodes } from '../../src/adapters/shared/port-owner.ts';
import { startServiceContainer } from './service-containers.ts';
import { suiteOwnership } from './suite-ownership.ts';
import { suiteVariable, type SuiteStack } from './suite-stack.ts';

/** A server the suite runs on: where it listens, how to stop it (only if this run started it). */
export interface SuiteServer {
  readonly host: string;
  readonly ports: Readonly<Record<string, number>>;
  /** Set when the launcher runs it: tests that restart servers need its folder and ports. */
  readonly launcher?: { readonly root: string; readonly ports: Readonly<Record<string, number>> };
  readonly stop?: () => Promise<unknown>;
}

/**
 * The suite's server for `def`, in this order:
 *   1. the suite's own launcher server answering on the suite's ports (proved by its pid file);
 *      anything else answering there is an error naming the port and what answered;
 *   2. a container, where a Docker engine answers (random host ports: nothing to collide with);
 *   3. the launcher, in the suite's services folder on the suite's ports.
 */
export async function obtainSuiteServer(def: ServiceDefinition, stack: SuiteStack): Promise<SuiteServer> {
  const ctx = serviceContext(def, { root: stack.root, ports: stack.ports[def.name] });
  const launcher = { root: stack.root, ports: ctx.ports };
  const answering = await probeOnce(def, ctx);
  if (answering) {
    const proof = suiteOwnership(ctx);
    if (!proof.own) throw new Error(notOurs(def, ctx, answering, proof.why));
    ctx.log(`using the suite's own server (${answering}, pid ${proof.pid}, ${ctx.dir})`);
    return { host: '127.0.0.1', ports: ctx.ports, launcher };
  }
  const reasons = [`nothing answered on ${JSON.stringify(ctx.ports)}`];
  const starting = suiteOwnership(ctx).own;
  if (!starting) {
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
    assertPortsFree(def, ctx);
  }
  try {
    const result = await startService(def, ctx);
    return { host: '127.0.0.1', ports: ctx.ports, launcher, stop: result.started ? () => stopService(def, ctx) : undefined };
  } catch (error) {
    reasons.push(`launcher: ${message(error)}`);
  }
  throw new Error(`SERVICES.UNAVAILABLE: ${def.name}: ${reasons.join('; ')}`);
}

function notOurs(def: ServiceDefinition, ctx: ServiceContext, answered: string, why: string): string {
  const [key, port] = Object.entries(ctx.ports)[0] ?? ['?', 0];
  return `SERVICES.NOT_OURS: ${def.name}: ${answered} answers on the suite's ${key} port ${port}, but it is not the suite's own server ` +
    `(${why}; listening: ${describeListeners(port)}). The suite never writes to a server it cannot prove it started: ` +
    `stop that server, or give the suite other ports (${suiteVariable(def.portEnv[key] ?? '')}=…).`;
}

/** A port held by something that is not the server makes the launcher's start fail late and obscurely: fail now. */
function assertPortsFree(def: ServiceDefinition, ctx: ServiceContext): void {
  for (const [key, port] of Object.entries(ctx.ports)) {
    if ((listeningInodes(port)?.size ?? 0) === 0) continue;
    throw new Error(
      `SERVICES.PORT_TAKEN: ${def.name}: the suite's ${key} port ${port} is held by ${describeListeners(port)}, which is not a ${def.name} ` +
      `that answers; free it, or give the suite another port (${suiteVariable(def.portEnv[key] ?? '')}=…).`,
    );
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
