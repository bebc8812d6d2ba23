import { RefractError } from '../../domain/index.ts';

export interface AdminAnswer {
  readonly status: number;
  /** Parsed JSON when the broker sent JSON, the text otherwise, undefined when empty. */
  readonly body: unknown;
}

/** The admin REST API, as much of it as topology, backlog and dead letters need. */
export interface PulsarAdmin {
  /** Any HTTP answer comes back (callers decide what 404 or 409 mean); no answer or a 5xx throws LOG.UNAVAILABLE. */
  request(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<AdminAnswer>;
  /** A 2xx body, or LOG.REFUSED naming the path and the broker's reason. */
  get(path: string): Promise<unknown>;
}

/** A fetch-based client for `/admin/v2`; the web URL is e.g. http://127.0.0.1:8080. */
export function createPulsarAdmin(webUrl: string, timeoutMs = 10_000): PulsarAdmin {
  const base = webUrl.replace(/\/+$/, '');
  const request: PulsarAdmin['request'] = async (method, path, body) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new RefractError('LOG.UNAVAILABLE', `Pulsar admin API at ${base} did not answer ${method} ${path}: ${describe(cause)}`, { url: base, path }, { cause });
    }
    const text = await res.text();
    const answer = { status: res.status, body: parse(text) };
    if (res.status >= 500) {
      throw new RefractError('LOG.UNAVAILABLE', `Pulsar admin API answered ${res.status} to ${method} ${path}: ${adminReason(answer.body)}`, { url: base, path, status: res.status });
    }
    return answer;
  };
  return {
    request,
    async get(path) {
      const answer = await request('GET', path);
      if (answer.status >= 300) {
        throw new RefractError('LOG.REFUSED', `Pulsar admin API refused GET ${path} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
      }
      return answer.body;
    },
  };
}

/** The broker's `{ "reason": … }`, or the body itself. */
export function adminReason(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string') {
    return (body as { reason: string }).reason;
  }
  return typeof body === 'string' && body ? body.slice(0, 300) : 'no reason given';
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
