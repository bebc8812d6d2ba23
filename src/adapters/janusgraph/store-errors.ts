import { isRefractError, RefractError, type ErrorCode } from '../../domain/index.ts';
import { untrustedCertificate, untrustedCertificateCode } from '../shared/tls-trust.ts';

/*
 * Server errors are classified by exception class names (the `exceptions` attribute and the
 * class of each "Caused by:" line) and three fixed JanusGraph phrases, never by other message
 * text, which can quote event data: "account has been closed" must not look transient.
 */
/** Lock conflicts: a concurrent writer won; the whole batch is retried and finds its work done. */
const CONFLICT = /PermanentLockingException|TemporaryLockingException|LockingException|LockConflictException|LockTimeoutException|DeadlockException/;
/** JanusGraph's fixed wording for a unique-index clash from a concurrent get-or-create. */
const CONFLICT_PHRASES = /violates a uniqueness constraint \[|Local lock contention|Expected value mismatch for/;
/**
 * The whole answer when another process's schema bootstrap closed the transaction ours ran in
 * (several runners starting at once on a fresh graph): matched as the entire message, so no
 * quoted event value can imitate it. The bootstrap is idempotent; trying again finds its work done.
 */
const CLOSED_BY_OTHERS = /^Server error: The transaction has already been closed \(\d+\)$/;
/** The server is busy: its executor queue is full. */
const OVERLOADED = /RejectedExecutionException/;
/** The backend or the evaluation gave up for now. */
const UNAVAILABLE = /TemporaryBackendException|TimeoutException|EnvironmentFailureException/;
/**
 * The only exceptions that provably concern the request's data, when they are the outermost
 * class of the chain. Seen on JanusGraph 1.1: SchemaViolationException for a value of the
 * wrong type for its key ("Value [x] is not an instance of the expected data type for property
 * key [k]"), IllegalArgumentException for a name or value it refuses ("Label can not be empty",
 * "The type of given name is not a label: k", "Property value [...] is not supported");
 * NumberFormatException is an IllegalArgumentException under another name. A cause deeper in
 * a chain (a commit that failed in the backend) says nothing about the data.
 */
const DATA_REFUSED = new Set([
  'org.janusgraph.core.SchemaViolationException',
  'java.lang.IllegalArgumentException',
  'java.lang.NumberFormatException',
]);
/** Transport failures seen before a response could arrive. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Gremlin Server status codes (TinkerPop ResponseStatusCode). */
const STATUS = { tooManyRequests: 429, temporary: 596, timeout: 598 } as const;
/**
 * Refusals of the request itself (unauthorized, forbidden, authentication required, a request
 * the server cannot read, an unknown traversal source): no event is at fault and no retry
 * helps, so the leg stops with a configuration error instead of dead-lettering every event.
 */
const REQUEST_REFUSED = new Set([401, 403, 407, 497, 498, 499]);
/** Of those, the login's: wrong user or password (401), none sent (407), not allowed (403). */
const LOGIN_REFUSED = new Set([401, 403, 407]);

/**
 * Maps whatever the driver or the server threw onto the store taxonomy: lock conflicts,
 * overload, timeouts and connection loss are retryable (the runner retries the whole batch,
 * which is idempotent by version); a refusal of the request itself is CONFIG.INVALID; only an
 * exception that provably concerns the data (DATA_REFUSED) is STORE.REJECTED, which
 * dead-letters the event. Anything else, from the server or not, is STORE.FAILED: not
 * retryable and not the event's fault, so a store that fails every write stops the leg
 * instead of dead-lettering the stream.
 */
export function toStoreError(error: unknown, operation: string, server = 'its server'): RefractError {
  if (isRefractError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof Error ? responseStatus(error) : undefined;
  const wrap = (code: ErrorCode) =>
    new RefractError(code, `JanusGraph ${operation} failed: ${firstLine(message)}`, { operation, ...(status ? { status: status.code } : {}) }, { cause: error });
  if (status) {
    if (LOGIN_REFUSED.has(status.code)) return refusedLogin(operation, server, status.code, message);
    if (REQUEST_REFUSED.has(status.code)) return wrap('CONFIG.INVALID');
    if (CONFLICT.test(status.classes) || CONFLICT_PHRASES.test(`${message}\n${status.details}`) || CLOSED_BY_OTHERS.test(message)) return wrap('STORE.CONFLICT');
    if (status.code === STATUS.tooManyRequests || OVERLOADED.test(status.classes)) return wrap('STORE.OVERLOADED');
    if (status.code === STATUS.temporary || status.code === STATUS.timeout || UNAVAILABLE.test(status.classes)) return wrap('STORE.UNAVAILABLE');
    if (status.outermost !== undefined && DATA_REFUSED.has(status.outermost)) return wrap('STORE.REJECTED');
    return wrap('STORE.FAILED');
  }
  // Only a failure without a server answer can be the TLS handshake: a server's message may quote event data.
  const untrusted = untrustedCertificateCode(error);
  if (untrusted) return untrustedCertificate('JanusGraph', server, untrusted, 'janusgraphUrl');
  const code = (error as Partial<NodeJS.ErrnoException> | undefined)?.code;
  if (code !== undefined && NETWORK_CODES.has(code)) return wrap('STORE.UNAVAILABLE');
  if (/Connection has been closed|not open|Unexpected server response|socket hang up/i.test(message)) {
    return wrap(/Unexpected server response code 503/.test(message) ? 'STORE.OVERLOADED' : 'STORE.UNAVAILABLE');
  }
  return wrap('STORE.FAILED');
}

/** The status of a Gremlin Server response error, with its exception chain and stack as text. */
function responseStatus(error: Error): { code: number; details: string; classes: string; outermost?: string } | undefined {
  const { statusCode, statusAttributes } = error as Partial<{ statusCode: unknown; statusAttributes: unknown }>;
  if (typeof statusCode !== 'number') return undefined;
  const attribute = (key: string): unknown =>
    statusAttributes instanceof Map ? statusAttributes.get(key) : (statusAttributes as Record<string, unknown> | undefined)?.[key];
  const exceptions = attribute('exceptions');
  const stack = attribute('stackTrace');
  // The stack's "Caused by: …" lines carry the messages of the whole chain; its frames do not matter.
  const causes = typeof stack === 'string' ? stack.split('\n').filter((line) => !/^\s+(at |\.\.\.)/.test(line)) : [];
  const named = Array.isArray(exceptions) ? exceptions.map(String) : [];
  const details = [...named, ...causes].join('\n');
  // Only the class token that starts each line ("Caused by: org.x.FooException: message").
  const causeClasses = causes.flatMap((line) => /^(?:Caused by: )?([\w$.]+)(?::|$)/.exec(line.trim())?.[1] ?? []);
  const classes = [...named, ...causeClasses].join('\n');
  // The thrown exception itself: the first of the chain the server names, else the stack's first line.
  const outermost = named[0] ?? causeClasses[0];
  return { code: statusCode, details, classes, ...(outermost === undefined ? {} : { outermost }) };
}

const firstLine = (message: string) => message.split('\n', 1)[0] ?? message;

/** A refused login or request: configuration, which no retry fixes; names the server and the settings, never their values. */
function refusedLogin(operation: string, server: string, status: number, message: string): RefractError {
  return new RefractError(
    'CONFIG.INVALID',
    `JanusGraph at ${server} refused ${operation} (${status}): ${firstLine(message)}; check settings janusgraphUsername and ` +
      'janusgraphPassword (REFRACT_JANUSGRAPH_USERNAME, REFRACT_JANUSGRAPH_PASSWORD or REFRACT_JANUSGRAPH_PASSWORD_FILE; none are sent when unset)',
    { operation, status, server, field: 'janusgraphPassword' },
  );
}

/** Runs one request with a deadline; a request past it counts as the store being unavailable. */
export async function storeCall<T>(operation: string, timeoutMs: number, work: () => Promise<T>, server?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RefractError('STORE.UNAVAILABLE', `JanusGraph ${operation} timed out after ${timeoutMs} ms`, { operation, timeoutMs })), timeoutMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } catch (error) {
    throw toStoreError(error, operation, server);
  } finally {
    clearTimeout(timer);
  }
}
