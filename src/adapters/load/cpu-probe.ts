import { readFileSync } from 'node:fs';
import { listeningPids } from '../shared/port-owner.ts';

/**
 * Where the machine's CPU went during a measured step: this process (both legs, the embedder
 * and the generator), each local server found by the port it listens on, and the machine as a
 * whole. On a small machine the three servers and the model compete for the same cores; this is
 * what says which one took them. Read from Linux's /proc; elsewhere every figure is absent.
 */
export interface CpuShare {
  /** Seconds of wall clock the figures cover. */
  readonly seconds: number;
  /** Cores the machine had busy on average (user + system + irq, all processes). */
  readonly machineBusyCores: number | null;
  readonly machineCores: number;
  /** Cores each process used on average: `refract` is this process, the rest are servers by name. */
  readonly processes: Readonly<Record<string, number | null>>;
}

export interface CpuSnapshot {
  readonly at: number;
  readonly machineBusy: number | null;
  readonly processes: Readonly<Record<string, number | null>>;
}

export interface CpuProbe {
  snapshot(): CpuSnapshot;
}

/** Clock ticks per second of /proc's counters: 100 on every Linux build Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * `servers` maps a name to the local port it listens on (a remote server has no port here and
 * is left out). Each server's pid is looked up once; a server restarted mid-run reads as absent.
 */
export function createCpuProbe(servers: Readonly<Record<string, number>>, now: () => number = Date.now): CpuProbe {
  const pids = Object.fromEntries(Object.entries(servers).map(([name, port]) => [name, listeningPids(port)?.[0]]));
  return {
    snapshot: () => ({
      at: now(),
      machineBusy: machineBusySeconds(),
      processes: {
        refract: ownCpuSeconds(),
        ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? null : processCpuSeconds(pid)])),
      },
    }),
  };
}

/** Average cores used between two snapshots. */
export function cpuShare(from: CpuSnapshot, to: CpuSnapshot, machineCores: number): CpuShare {
  const seconds = Math.max(0.001, (to.at - from.at) / 1000);
  const cores = (a: number | null | undefined, b: number | null | undefined) =>
    (a == null || b == null ? null : Math.max(0, (b - a) / seconds));
  return {
    seconds,
    machineBusyCores: cores(from.machineBusy, to.machineBusy),
    machineCores,
    processes: Object.fromEntries(Object.keys(to.processes).map((name) => [name, cores(from.processes[name], to.processes[name])])),
  };
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** utime + stime of a process (fields 14 and 15 of /proc/PID/stat, after the command in parentheses). */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy time of all cores since boot: the first line of /proc/stat minus idle and iowait. */
function machineBusySeconds(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
