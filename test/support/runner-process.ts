import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A `refract run` child process; its output goes to `logFile`, in one file across restarts. */
export interface RunnerProcess {
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `refract run` (with `--until-drained` when asked) on real servers: Pulsar, JanusGraph,
 * OpenSearch, the hashing embedder. `env` carries the REFRACT_* settings that place it.
 */
export function startRunner(env: Readonly<Record<string, string>>, logFile: string, untilDrained = false): RunnerProcess {
  const args = ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', 'run',
    '--event-log', 'pulsar', '--graph', 'janusgraph', '--vectors', 'opensearch', '--embedder', 'hashing',
    ...(untilDrained ? ['--until-drained'] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const note = (line: string) => appendFileSync(logFile, line);
  note(`--- ${new Date().toISOString()} start pid ${child.pid ?? '?'}: refract ${args.slice(3).join(' ')}\n`);
  child.stdout?.on('data', (chunk: Buffer) => note(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => note(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      note(`--- ${new Date().toISOString()} pid ${child.pid ?? '?'} exited: code ${code ?? '-'}, signal ${signal ?? '-'}\n`);
      resolve({ code, signal });
    });
  });
  return { pid: child.pid ?? -1, exited, kill: (signal) => { child.kill(signal); } };
}
