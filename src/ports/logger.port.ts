/** Structured fields of a log line; values must be safe to print (no credentials). */
export type LogFields = Readonly<Record<string, unknown>>;

/** Where the runtime and the adapters say what they do; adapters map it onto pino or memory. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line also carries `bindings` (for example `{ leg: 'graph' }`). */
  child(bindings: LogFields): Logger;
}
