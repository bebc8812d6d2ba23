import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** Log files of one run: `<dir>/logs/stdout.log` and `stderr.log`; the previous run's are kept as `*.1.log`. */
export async function openRunLogs(dir: string): Promise<{ out: number; err: number }> {
  const logs = join(dir, 'logs');
  await mkdir(logs, { recursive: true });
  for (const name of ['stdout', 'stderr']) {
    const current = join(logs, `${name}.log`);
    if (existsSync(current)) await rename(current, join(logs, `${name}.1.log`));
  }
  return { out: openSync(join(logs, 'stdout.log'), 'a'), err: openSync(join(logs, 'stderr.log'), 'a') };
}

/**
 * For failure messages: the first error lines of the current run (the cause usually comes before
 * the shutdown noise), then the last `lines` lines of stdout and stderr.
 */
export function logTail(dir: string, lines = 30): string {
  return ['stdout', 'stderr'].map((name) => {
    const path = join(dir, 'logs', `${name}.log`);
    const all = existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n') : [];
    const errors = all.filter((line) => /\b(ERROR|FATAL|SEVERE)\b|Exception:/.test(line)).slice(0, 8);
    const first = errors.length > 0 ? `--- ${path} (first error lines) ---\n${errors.join('\n')}\n` : '';
    return `${first}--- ${path} (last ${lines} lines) ---\n${all.slice(-lines).join('\n') || '(empty)'}`;
  }).join('\n');
}
