import { execFile, execFileSync, spawn as spawnChild } from 'node:child_process';
import { chownSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceContext, ServiceDefinition, SpawnSpec } from './service.ts';

/**
 * A PostgreSQL cluster of the project's own, with logical decoding on, for the CDC leg
 * (docs/adr/0021): initdb'd from the PostgreSQL binaries installed on the machine
 * into `<dir>/data`, listening on 127.0.0.1 on its own port with its unix socket under
 * `<dir>/run`. It never touches a PostgreSQL that already runs on the machine (Debian's
 * cluster on 5432) or its data. PostgreSQL refuses to run as root: as root, every server
 * binary runs as the `postgres` system user through `setpriv`, which execs it, so the pid the
 * launcher records is the postmaster's.
 */

/** The database the CDC leg captures from; created by `prepare`, idempotently. */
export const POSTGRES_DATABASE = 'refract';
/** The bootstrap superuser (REPLICATION included), trusted from 127.0.0.1: fine for a local launcher only. */
export const POSTGRES_USER = 'postgres';
/** The unprivileged system user that runs the server when the launcher runs as root (Debian's packages create it). */
export const POSTGRES_OS_USER = 'postgres';
/** Overrides the discovery of the server binaries: a directory holding initdb, postgres and psql. */
export const BINDIR_ENV = 'REFRACT_POSTGRES_BINDIR';

const TOOLS = ['initdb', 'postgres', 'psql'] as const;
const PROBE_TIMEOUT_MS = 5_000;
/** Linux's sun_path holds 108 bytes with the terminating NUL; PostgreSQL refuses a longer socket path. */
const MAX_SOCKET_PATH = 107;
const INCLUDE_LINE = "include = 'refract.conf'";

/** What binary discovery reads; injected in tests. */
export interface BinLookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `pg_config --bindir`, or undefined when pg_config is missing or fails. */
  pgConfigBindir(): string | undefined;
  /** Entries of a directory, or [] when it does not exist. */
  list(dir: string): readonly string[];
  isFile(path: string): boolean;
}

/**
 * The directory holding the server binaries: REFRACT_POSTGRES_BINDIR, else `pg_config --bindir`,
 * else the newest /usr/lib/postgresql/<major>/bin (Debian's layout). Each must hold initdb,
 * postgres and psql (Debian's pg_config can come from libpq-dev alone and name a directory
 * without a server). Throws POSTGRES.MISSING naming everything it looked at.
 */
export function findPostgresBindir(lookup: BinLookup = realLookup): string {
  const complete = (dir: string) => TOOLS.every((tool) => lookup.isFile(join(dir, tool)));
  const seen: string[] = [];
  const override = lookup.env[BINDIR_ENV];
  if (override) {
    if (complete(override)) return override;
    throw new Error(`POSTGRES.MISSING: ${BINDIR_ENV}=${override} does not hold ${TOOLS.join(', ')}`);
  }
  const fromPgConfig = lookup.pgConfigBindir();
  if (fromPgConfig && complete(fromPgConfig)) return fromPgConfig;
  seen.push(fromPgConfig ? `pg_config --bindir: ${fromPgConfig} (no server binaries there)` : 'pg_config --bindir: no pg_config');
  const debian = '/usr/lib/postgresql';
  const majors = lookup.list(debian)
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
    .sort((a, b) => Number(b) - Number(a));
  const newest = majors.map((major) => join(debian, major, 'bin')).find(complete);
  if (newest) return newest;
  seen.push(majors.length > 0 ? `${debian}/{${majors.join(',')}}/bin (incomplete)` : `${debian}/*/bin: none`);
  throw new Error(
    `POSTGRES.MISSING: no PostgreSQL server binaries (${TOOLS.join(', ')}) found; looked at ${seen.join('; ')}. ` +
    `Install them (Debian: apt-get install postgresql) or set ${BINDIR_ENV}`,
  );
}

const realLookup: BinLookup = {
  env: process.env,
  pgConfigBindir() {
    try {
      return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  isFile(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
};

/** The settings the launcher owns, in `<dir>/data/refract.conf` (included last by postgresql.conf). */
export function postgresSettings(options: { readonly port: number; readonly socketDir: string }): string {
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const settings: readonly (readonly [string, string | number])[] = [
    ['port', options.port],
    // Never on other interfaces: every local connection is trusted (initdb --auth=trust).
    ['listen_addresses', quote('127.0.0.1')],
    // Our own socket folder: never /var/run/postgresql, where the machine's server has its own.
    ['unix_socket_directories', quote(options.socketDir)],
    ['wal_level', 'logical'],
    ['max_replication_slots', 10],
    ['max_wal_senders', 10],
    ['cluster_name', quote('refract')],
    // Everything on stderr: the launcher's <dir>/logs/stderr.log.
    ['log_destination', quote('stderr')],
    ['logging_collector', 'off'],
    // fsync stays on (the default): the CDC leg's tests kill and restart things.
  ];
  return [
    '# Written by Refract\'s launcher (scripts/services/postgres.ts) on every `services:up`; edits here are lost.',
    ...settings.map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
}

/** The unix socket PostgreSQL creates in `socketDir`; throws where the path is too long for a socket. */
export function socketPath(socketDir: string, port: number): string {
  const path = join(socketDir, `.s.PGSQL.${port}`);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new Error(
      `CONFIG.INVALID: PostgreSQL's socket ${path} is longer than ${MAX_SOCKET_PATH} bytes; ` +
      'set REFRACT_SERVICES_DIR to a shorter folder',
    );
  }
  return path;
}

/** Who runs the server binaries: this process, or (as root) an unprivileged system user. */
export interface RunAs {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  /** The setpriv binary that switches to it and execs the command. */
  readonly setpriv: string;
}

/**
 * A command as the server's user: unchanged when not root, else through `setpriv`, which
 * execs it (no process of its own stays behind, unlike runuser/su, which fork, and SIGKILL
 * their child two seconds after a SIGTERM).
 */
export function asServerUser(command: string, args: readonly string[], runAs: RunAs | undefined): { command: string; args: string[] } {
  if (!runAs) return { command, args: [...args] };
  return {
    command: runAs.setpriv,
    args: [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', '--', command, ...args],
  };
}

/** The initdb command line for a fresh cluster in `dataDir`. */
export function initdbArgs(dataDir: string): string[] {
  return ['-D', dataDir, `--username=${POSTGRES_USER}`, '--auth=trust', '--encoding=UTF8', '--no-locale'];
}

/** Undefined when this process is not root; else the `postgres` system user, or POSTGRES.NO_USER. */
function serverUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number | undefined => {
    try {
      const out = execFileSync('id', [flag, POSTGRES_OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      return /^\d+$/.test(out) ? Number(out) : undefined;
    } catch {
      return undefined;
    }
  };
  const uid = id('-u');
  const gid = id('-g');
  if (uid === undefined || gid === undefined || uid === 0) {
    throw new Error(
      `POSTGRES.NO_USER: the launcher runs as root, which initdb and postgres refuse; it runs them as the ` +
      `'${POSTGRES_OS_USER}' system user, but there is none (Debian's postgresql package creates it). ` +
      'Create that user, or run the launcher as an ordinary user',
    );
  }
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'].find((path) => existsSync(path));
  if (!setpriv) throw new Error(`POSTGRES.NO_SETPRIV: running as root, the launcher needs setpriv (util-linux) to run PostgreSQL as '${POSTGRES_OS_USER}'`);
  return { user: POSTGRES_OS_USER, uid, gid, setpriv };
}

/** Runs a server binary to completion (as the server's user); rejects with its output unless it exits 0. */
function runTool(
  runAs: RunAs | undefined, command: string, args: readonly string[], cwd: string, input?: string,
): Promise<{ stdout: string; stderr: string }> {
  const line = asServerUser(command, args, runAs);
  return new Promise((resolve, reject) => {
    const child = spawnChild(line.command, line.args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout = (stdout + chunk.toString()).slice(-16_000); });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-16_000); });
    child.on('error', (error) => reject(new Error(`POSTGRES.PREPARE_FAILED: cannot run ${command} (${error.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`POSTGRES.PREPARE_FAILED: ${command} ${args.join(' ')} exited ${code}\n${stdout}${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

/** Gives `path` (and, when `recursive`, all below it) to the server's user; nothing to do when not root. */
function giveTo(runAs: RunAs | undefined, path: string, recursive: boolean): void {
  if (!runAs) return;
  const stat = lstatSync(path);
  if (stat.uid === runAs.uid && stat.gid === runAs.gid && !recursive) return;
  chownSync(path, runAs.uid, runAs.gid);
  if (recursive && stat.isDirectory()) {
    for (const entry of readdirSync(path)) giveTo(runAs, join(path, entry), true);
  }
}

/** Fails clearly where the server's user cannot reach the folder (a parent not searchable by others). */
async function assertReachable(runAs: RunAs | undefined, dir: string): Promise<void> {
  if (!runAs) return;
  try {
    await runTool(runAs, 'test', ['-w', dir], '/');
  } catch {
    throw new Error(
      `POSTGRES.NOT_REACHABLE: the '${runAs.user}' user cannot write ${dir} (a parent folder is not searchable by others?); ` +
      'set REFRACT_SERVICES_DIR to a folder it can reach',
    );
  }
}

function port(ctx: ServiceContext): number {
  const value = ctx.ports['sql'] ?? postgres.defaultPorts['sql'];
  if (value === undefined) throw new Error('CONFIG.INVALID: no PostgreSQL port');
  return value;
}

const dataDir = (ctx: ServiceContext) => join(ctx.dir, 'data');
const socketDir = (ctx: ServiceContext) => join(ctx.dir, 'run');

/** `psql -Atc <sql>` over TCP to 127.0.0.1; rejects on any failure. */
function psql(ctx: ServiceContext, sql: string, database = 'postgres'): Promise<string> {
  const bin = join(findPostgresBindir(), 'psql');
  const args = ['-X', '-w', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port(ctx)), '-U', POSTGRES_USER, '-d', database, '-Atc', sql];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: PROBE_TIMEOUT_MS, env: { ...process.env, PGCONNECT_TIMEOUT: '5' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`POSTGRES.UNAVAILABLE: psql on 127.0.0.1:${port(ctx)}: ${stderr.trim() || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/** The probe's verdict on `select server_version, wal_level, refract exists` (psql -At: `|`-separated). */
export function describeProbe(row: string): string {
  const [version = '', walLevel = '', hasDatabase = ''] = row.split('|');
  if (walLevel !== 'logical') throw new Error(`POSTGRES.NOT_LOGICAL: wal_level is ${walLevel || '?'}, not logical; CDC needs logical decoding`);
  if (hasDatabase !== 't') throw new Error(`POSTGRES.NO_DATABASE: no database ${POSTGRES_DATABASE} yet`);
  return `PostgreSQL ${version.split(' ')[0] ?? version}, wal_level logical`;
}

export const postgres: ServiceDefinition<'postgres'> = {
  name: 'postgres',
  defaultPorts: { sql: 5433 },
  portEnv: { sql: 'REFRACT_POSTGRES_PORT' },
  readyTimeoutMs: 60_000,
  // SIGTERM is PostgreSQL's smart shutdown, which waits for every client (a CDC connector
  // never leaves); SIGINT is its fast shutdown: clients disconnected, a checkpoint, exit.
  // Its children are in sessions of their own, so the group signal reaches only the postmaster.
  stopSignal: 'SIGINT',

  async prepare(ctx) {
    const bindir = findPostgresBindir();
    const runAs = serverUser();
    const data = dataDir(ctx);
    const run = socketDir(ctx);
    socketPath(run, port(ctx));
    for (const dir of [ctx.dir, join(ctx.dir, 'logs')]) await mkdir(dir, { recursive: true });
    for (const dir of [data, run]) {
      await mkdir(dir, { recursive: true });
      await chmod(dir, 0o700);
    }
    giveTo(runAs, run, false);
    if (!existsSync(join(data, 'PG_VERSION'))) {
      giveTo(runAs, data, true);
      await assertReachable(runAs, data);
      ctx.log(`initdb ${data}${runAs ? ` (as ${runAs.user})` : ''}`);
      await runTool(runAs, join(bindir, 'initdb'), initdbArgs(data), ctx.dir);
    } else if (runAs && statSync(data).uid !== runAs.uid) {
      giveTo(runAs, data, true);
    }
    const conf = join(data, 'postgresql.conf');
    const main = await readFile(conf, 'utf8');
    if (!main.split('\n').includes(INCLUDE_LINE)) {
      await writeFile(conf, `${main.trimEnd()}\n\n# Refract's launcher: its settings (port, sockets, logical decoding) last, so they win.\n${INCLUDE_LINE}\n`);
    }
    await writeFile(join(data, 'refract.conf'), postgresSettings({ port: port(ctx), socketDir: run }));
    giveTo(runAs, conf, false);
    giveTo(runAs, join(data, 'refract.conf'), false);
    await ensureDatabase(runAs, bindir, ctx);
  },

  spawn(ctx): SpawnSpec {
    const line = asServerUser(join(findPostgresBindir(), 'postgres'), ['-D', dataDir(ctx)], serverUser());
    return { command: line.command, args: line.args, cwd: ctx.dir };
  },

  async probe(ctx) {
    const row = await psql(ctx,
      `select current_setting('server_version'), current_setting('wal_level'), ` +
      `exists (select 1 from pg_database where datname = '${POSTGRES_DATABASE}')`);
    return describeProbe(row);
  },
};

/**
 * Creates the `refract` database unless it exists, in single-user mode (the server is not up
 * while `prepare` runs; a postmaster already on this data directory makes this fail, which is
 * right: it is not ours to start twice). "already exists" is the idempotent case.
 */
async function ensureDatabase(runAs: RunAs | undefined, bindir: string, ctx: ServiceContext): Promise<void> {
  const { stderr } = await runTool(
    runAs, join(bindir, 'postgres'), ['--single', '-D', dataDir(ctx), 'postgres'], ctx.dir, `CREATE DATABASE ${POSTGRES_DATABASE};\n`,
  );
  const errors = stderr.split('\n').filter((line) => /\b(ERROR|FATAL|PANIC):/.test(line) && !/already exists/.test(line));
  if (errors.length > 0) throw new Error(`POSTGRES.PREPARE_FAILED: CREATE DATABASE ${POSTGRES_DATABASE}: ${errors.join('\n')}`);
}
