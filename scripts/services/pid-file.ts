import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process the launcher started: its pid and kernel start time, so a recycled pid is never mistaken for it. */
export interface PidRecord {
  readonly pid: number;
  readonly startTime: string | null;
}

const file = (dir: string): string => join(dir, 'pid');

/** Records the started process in `<dir>/pid`. */
export async function writePidFile(dir: string, pid: number): Promise<void> {
  await writeFile(file(dir), JSON.stringify({ pid, startTime: procStat(pid)?.startTime ?? null }) + '\n');
}

/** The recorded process, or undefined when there is no pid file. */
export function readPidFile(dir: string): PidRecord | undefined {
  if (!existsSync(file(dir))) return undefined;
  return JSON.parse(readFileSync(file(dir), 'utf8')) as PidRecord;
}

export async function removePidFile(dir: string): Promise<void> {
  await rm(file(dir), { force: true });
}

/** True while the recorded process still runs and is the same process (same start time where /proc tells). */
export function isSameProcess(record: PidRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  const stat = procStat(record.pid);
  if (stat?.state === 'Z') return false;
  return record.startTime === null || stat === null || stat.startTime === record.startTime;
}

/** `gently` (SIGTERM unless the server wants another) to the process group, SIGKILL after `graceMs`; resolves how it ended. */
export async function stopProcess(
  record: PidRecord, graceMs: number, gently: NodeJS.Signals = 'SIGTERM',
): Promise<'stopped' | 'killed' | 'gone'> {
  if (!isSameProcess(record)) return 'gone';
  signal(record.pid, gently);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isSameProcess(record)) return 'stopped';
    await sleep(250);
  }
  signal(record.pid, 'SIGKILL');
  while (isSameProcess(record)) await sleep(100);
  return 'killed';
}

/** The launcher starts each server detached, as the leader of its own group: signal the group. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    try { process.kill(pid, name); } catch { /* already gone */ }
  }
}

/** State and start time (field 22, clock ticks since boot) from /proc/<pid>/stat; null where /proc is absent. */
function procStat(pid: number): { state: string; startTime: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return null;
  }
}
