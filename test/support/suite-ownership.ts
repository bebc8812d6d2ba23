import { isSameProcess, readPidFile } from '../../scripts/services/pid-file.ts';
import type { ServiceContext } from '../../scripts/services/service.ts';
import { listeningInodes, pidListensOn } from '../../src/adapters/shared/port-owner.ts';

/** Whether the server answering on a context's ports is provably the one the launcher started there. */
export type Ownership = { readonly own: true; readonly pid: number } | { readonly own: false; readonly why: string };

/**
 * Proof of ownership: the pid file in the suite's services folder names a live process (same
 * kernel start time) that holds the listening socket of the port the probe answered on (the
 * first), and of every other port anything listens on. (A port nothing listens on proves
 * nothing either way: Pulsar standalone's in-process bookie ignores its port setting.)
 * Where /proc cannot tell who listens, a live recorded process is all the proof there is.
 */
export function suiteOwnership(ctx: ServiceContext): Ownership {
  const record = readPidFile(ctx.dir);
  if (!record) return { own: false, why: `no pid file in ${ctx.dir}` };
  if (!isSameProcess(record)) return { own: false, why: `the pid file in ${ctx.dir} names pid ${record.pid}, which is no longer running` };
  for (const [i, [key, port]] of Object.entries(ctx.ports).entries()) {
    const unheld = i > 0 && listeningInodes(port)?.size === 0;
    if (!unheld && pidListensOn(record.pid, port) === false) {
      return { own: false, why: `pid ${record.pid} from ${ctx.dir}/pid does not listen on the ${key} port ${port}` };
    }
  }
  return { own: true, pid: record.pid };
}
