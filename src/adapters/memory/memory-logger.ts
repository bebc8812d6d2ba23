import type { LogFields, Logger } from '../../ports/index.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that keeps its lines in memory, for tests that assert what was said. */
export interface MemoryLogger extends Logger {
  readonly entries: LogEntry[];
}

export function createMemoryLogger(bindings: LogFields = {}, entries: LogEntry[] = []): MemoryLogger {
  const log = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    entries.push({ level, message, fields: { ...bindings, ...fields } });
  };
  return {
    entries,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createMemoryLogger({ ...bindings, ...more }, entries),
  };
}

/** Says nothing; for code paths whose words nobody reads (benchmarks). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
