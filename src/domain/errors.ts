/**
 * The error taxonomy (docs/adr/0002). A string `code` survives process boundaries where
 * `instanceof` does not; `retryable` drives the runner's policy.
 */
export type ErrorCode =
  | 'EVENT.MALFORMED_JSON'
  | 'EVENT.INVALID'
  | 'EVENT.OVERSIZE'
  | 'EVENT.UNKNOWN_ENTITY_TYPE'
  | 'EVENT.UNSUPPORTED_SCHEMA_VERSION'
  | 'STORE.UNAVAILABLE'
  | 'STORE.OVERLOADED'
  | 'STORE.CONFLICT'
  | 'STORE.REJECTED'
  | 'STORE.FAILED'
  | 'EMBEDDER.UNAVAILABLE'
  | 'EMBEDDER.MODEL_MISSING'
  | 'LOG.UNAVAILABLE'
  | 'LOG.REFUSED'
  | 'EVENT.CRASHED_PROCESS'
  | 'CDC.INVALID_CHANGE'
  | 'CDC.UNMAPPED_TABLE'
  | 'CDC.UNSUPPORTED_CHANGE'
  | 'LEG.STOPPED'
  | 'CONFIG.INVALID'
  | 'APP.INVALID';

const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'STORE.UNAVAILABLE',
  'STORE.OVERLOADED',
  'STORE.CONFLICT',
  'EMBEDDER.UNAVAILABLE',
  'LOG.UNAVAILABLE',
]);

export class RefractError extends Error {
  override readonly name = 'RefractError';
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = RETRYABLE.has(code);
  }
}

export const isRefractError = (error: unknown): error is RefractError =>
  error instanceof Error && typeof (error as Partial<RefractError>).code === 'string' &&
  typeof (error as Partial<RefractError>).retryable === 'boolean';

/** Transient: retried in process, never dead-lettered for this. */
export const isRetryable = (error: unknown): boolean => isRefractError(error) && error.retryable;
