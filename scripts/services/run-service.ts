import { spawn } from 'node:child_process';
import { closeSync, mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceContext } from './context.ts';
import { logTail, openRunLogs } from './logs.ts';
import {
  isSameProcess, readPidFile, removePidFile, stopProcess, writePidFile, type PidRecord,
} from './pid-file.ts';
import type { AnyServiceDefinition, ServiceContext } from './service.ts';

const PROBE_TIMEOUT_MS = 15_000;
const POLL_MS = 1_000;
const PROGRESS_EVERY_MS = 10_000;
const STOP_GRACE_MS = 30_000;

/** Outcome of startService: `started` is false when the server already answered (then it is not ours to stop). */
export interface StartResult {
  readonly started: boolean;
  readonly version: string;
  readonly ports: Readonly<Record<string, number>>;
}

/** What status reports for one server. */
export interface ServiceState {
  readonly name: string;
  readonly state: 'healthy' | 'not answering' | 'down';
  readonly version?: string;
  readonly pid?: number;
  readonly ports: Readonly<Record<string, number>>;
}

/** One probe, never throwing: the version, or undefined when the server does not answer. */
export async function probeOnce(def: AnyServiceDefinition, ctx: ServiceContext): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS); });
  try {
    return await Promise.race([def.probe(ctx), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Prepare, spawn detached, wait until the probe answers; reuses a server that already answers. */
export async function startService(def: AnyServiceDefinition, ctx = serviceContext(def)): Promise<StartResult> {
  const running = await probeOnce(def, ctx);
  if (running) {
    ctx.log(`already running (${running})`);
    return { started: false, version: running, ports: ctx.ports };
  }
  const previous = readPidFile(ctx.dir);
  if (previous && isSameProcess(previous)) {
    ctx.log(`pid ${previous.pid} is still starting; waiting for it`);
    return { started: false, version: await waitReady(def, ctx, previous), ports: ctx.ports };
  }
  const began = Date.now();
  await def.prepare(ctx);
  const record = await spawnDetached(def, ctx);
  const version = await waitReady(def, ctx, record);
  ctx.log(`ready (${version}) in ${((Date.now() - began) / 1000).toFixed(1)} s, pid ${record.pid}`);
  return { started: true, version, ports: ctx.ports };
}

/** Stops the process recorded in the pid file, and only that one. */
export async function stopService(def: AnyServiceDefinition, ctx = serviceContext(def)): Promise<string> {
  const record = readPidFile(ctx.dir);
  if (!record || !isSameProcess(record)) {
    await removePidFile(ctx.dir);
    const version = await probeOnce(def, ctx);
    return version ? `answers (${version}) but was not started by the launcher; left alone` : 'not running';
  }
  const how = await stopProcess(record, STOP_GRACE_MS, def.stopSignal);
  await removePidFile(ctx.dir);
  return `${how} (pid ${record.pid})`;
}

export async function serviceState(def: AnyServiceDefinition, ctx = serviceContext(def)): Promise<ServiceState> {
  const record = readPidFile(ctx.dir);
  const pid = record && isSameProcess(record) ? record.pid : undefined;
  const version = await probeOnce(def, ctx);
  const state = version ? 'healthy' : pid ? 'not answering' : 'down';
  return { name: def.name, state, version, pid, ports: ctx.ports };
}

async function spawnDetached(def: AnyServiceDefinition, ctx: ServiceContext): Promise<PidRecord> {
  const spec = def.spawn(ctx);
  mkdirSync(spec.cwd, { recursive: true });
  const { out, err } = await openRunLogs(ctx.dir);
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd, env: { ...process.env, ...spec.env }, detached: true, stdio: ['ignore', out, err],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid ?? -1));
      child.once('error', (error) => reject(new Error(`SERVICE.SPAWN_FAILED: ${def.name}: ${spec.command}: ${error.message}`)));
    });
    child.unref();
    await writePidFile(ctx.dir, pid);
    ctx.log(`started pid ${pid}; logs in ${ctx.dir}/logs/`);
    return { pid, startTime: readPidFile(ctx.dir)?.startTime ?? null };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

async function waitReady(def: AnyServiceDefinition, ctx: ServiceContext, record: PidRecord): Promise<string> {
  const began = Date.now();
  let nextProgress = began + PROGRESS_EVERY_MS;
  while (Date.now() - began < def.readyTimeoutMs) {
    const version = await probeOnce(def, ctx);
    if (version) return version;
    if (!isSameProcess(record)) {
      await removePidFile(ctx.dir);
      throw new Error(`SERVICE.EXITED: ${def.name} exited before it was ready\n${logTail(ctx.dir)}`);
    }
    if (Date.now() >= nextProgress) {
      ctx.log(`waiting for it to answer (${Math.round((Date.now() - began) / 1000)} s)`);
      nextProgress += PROGRESS_EVERY_MS;
    }
    await sleep(POLL_MS);
  }
  const tail = logTail(ctx.dir);
  await stopProcess(record, STOP_GRACE_MS, def.stopSignal);
  await removePidFile(ctx.dir);
  throw new Error(`SERVICE.NOT_READY: ${def.name} did not answer within ${def.readyTimeoutMs / 1000} s; stopped it\n${tail}`);
}
