import { pino, type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '../../ports/index.ts';

export interface PinoLoggerOptions {
  readonly level?: 'debug' | 'info' | 'warn' | 'error';
  /** Human-readable lines (pino-pretty) instead of JSON; by default when stderr is a terminal. */
  readonly pretty?: boolean;
}

/** Userinfo in a URL (`scheme://user:secret@host`) is never printed. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
export const redactUrls = (text: string): string => text.replace(USERINFO, '$1***@');

/**
 * Structured logs to stderr: JSON off a terminal, pretty on one; credentials redacted. Written
 * synchronously, so a command's last log lines come before its exit message, in order.
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.stderr.isTTY;
  const base = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: ['password', 'token', 'authorization', '*.password', '*.token', '*.authorization'], censor: '***' },
    },
    pretty
      ? pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname' } })
      : pino.destination({ dest: 2, sync: true }),
  );
  return wrap(base);
}

function wrap(p: Pino): Logger {
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields: LogFields = {}) => {
    p[level](clean(fields), redactUrls(message));
  };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (bindings) => wrap(p.child(clean(bindings))),
  };
}

function clean(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = typeof value === 'string' ? redactUrls(value) : value;
  return out;
}
