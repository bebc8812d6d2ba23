import { serviceContext } from '../../../scripts/services/context.ts';
import { isSameProcess, readPidFile } from '../../../scripts/services/pid-file.ts';
import { selectServices } from '../../../scripts/services/registry.ts';
import { probeOnce, startService, stopService } from '../../../scripts/services/run-service.ts';
import type { ServiceContext, ServiceName } from '../../../scripts/services/service.ts';
import { launchedService } from '../../support/endpoints.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** The launcher's context for a server of this run (throws if a container runs it). */
export function launcherContext(name: ServiceName, log: (message: string) => void): ServiceContext {
  const { root, ports } = launchedService(name);
  const [def] = selectServices([name]);
  if (!def) throw new Error(`unknown server ${name}`);
  return serviceContext(def, { root, ports, log: (message) => log(`${name}: ${message}`) });
}

/**
 * Stops a server (SIGTERM and wait, or SIGKILL to its process group) and starts it again
 * through the launcher, on the same data; resolves once it answers again.
 */
export async function restartServer(name: ServiceName, how: 'stop' | 'kill', log: (message: string) => void): Promise<void> {
  const ctx = launcherContext(name, log);
  const [def] = selectServices([name]);
  if (!def) throw new Error(`unknown server ${name}`);
  if (how === 'stop') {
    log(`${name}: ${await stopService(def, ctx)}`);
  } else {
    const record = readPidFile(ctx.dir);
    if (!record || !isSameProcess(record)) throw new Error(`${name}: no live launcher process in ${ctx.dir}/pid to kill`);
    process.kill(-record.pid, 'SIGKILL');
    while (isSameProcess(record)) await sleep(100);
    log(`${name}: killed pid ${record.pid}`);
  }
  await startService(def, ctx);
}

/** Starts any of the servers that does not answer: a chaos test leaves every server as it found it. */
export async function ensureServersUp(names: readonly ServiceName[], log: (message: string) => void): Promise<void> {
  for (const name of names) {
    const ctx = launcherContext(name, log);
    const [def] = selectServices([name]);
    if (def && !(await probeOnce(def, ctx))) await startService(def, ctx);
  }
}
