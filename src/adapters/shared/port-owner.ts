import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * Which process listens on a local TCP port, read from Linux's /proc (no `ss` or `lsof`
 * needed). Where /proc is absent every answer is `undefined`: callers then know nothing and
 * must say so rather than guess.
 */

/** Inodes of the sockets in LISTEN state on `port` (IPv4 and IPv6), or undefined without /proc. */
export function listeningInodes(port: number): Set<string> | undefined {
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter((path) => existsSync(path));
  if (tables.length === 0) return undefined;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of tables) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Whether process `pid` holds a listening socket on `port`; undefined where /proc cannot tell. */
export function pidListensOn(pid: number, port: number): boolean | undefined {
  const inodes = listeningInodes(port);
  if (!inodes) return undefined;
  const held = socketInodes(pid);
  return held === undefined ? undefined : [...held].some((inode) => inodes.has(inode));
}

/** The pids of the processes this user can see listening on `port`; undefined without /proc. */
export function listeningPids(port: number): number[] | undefined {
  const inodes = listeningInodes(port);
  if (!inodes) return undefined;
  if (inodes.size === 0) return [];
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    const held = socketInodes(pid);
    return held !== undefined && [...held].some((inode) => inodes.has(inode));
  });
}

/** The processes listening on `port`, as `pid N (command line)`, for error messages. */
export function describeListeners(port: number): string {
  const pids = listeningPids(port);
  if (!pids) return 'no /proc here to tell which process listens';
  if (listeningInodes(port)?.size === 0) return 'nothing listens on it now';
  return pids.length > 0 ? pids.map((pid) => `pid ${pid} (${commandLine(pid)})`).join(', ') : 'a process this user cannot inspect';
}

function socketInodes(pid: number): Set<string> | undefined {
  try {
    const found = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) found.add(match[1]);
      } catch { /* the fd closed while we looked */ }
    }
    return found;
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // A JVM's command line is mostly flags: its program and its last arguments say what it is.
    return argv.length > 6 ? `${argv[0] ?? ''} … ${argv.slice(-3).join(' ')}` : argv.join(' ');
  } catch {
    return '?';
  }
}
