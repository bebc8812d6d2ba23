import { RefractError } from '../../domain/index.ts';
import { authorizationHeader, type ServerAuth } from '../shared/server-auth.ts';
import { serverOrigin } from '../shared/server-origin.ts';
import { fetchTrusting, untrustedCertificate, untrustedCertificateCode } from '../shared/tls-trust.ts';
import { authRefusal, isAuthRefusal } from './auth-refusal.ts';

export interface AdminAnswer {
  readonly status: number;
  /** Parsed JSON when the broker sent JSON, the text otherwise, undefined when empty. */
  readonly body: unknown;
}

/** The admin REST API, as much of it as topology, backlog and dead letters need. */
export interface PulsarAdmin {
  /**
   * Any HTTP answer comes back (callers decide what 404 or 409 mean), except: no answer, a 5xx
   * (a broker whose bookies are not back yet answers 500), 408 or 429 throw the retryable
   * LOG.UNAVAILABLE; 401 and 403, and a certificate Refract does not trust, throw CONFIG.INVALID.
   */
  request(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<AdminAnswer>;
  /** A 2xx body, or LOG.REFUSED naming the path and the broker's reason. */
  get(path: string): Promise<unknown>;
}

export interface PulsarAdminOptions {
  readonly timeoutMs?: number;
  /** The token it sends and the CA it trusts (docs/adr/0022). */
  readonly auth?: ServerAuth;
}

/** A fetch-based client for `/admin/v2`; the web URL is e.g. http://127.0.0.1:8080 or https://…:8443. */
export function createPulsarAdmin(webUrl: string, options: PulsarAdminOptions = {}): PulsarAdmin {
  const base = webUrl.replace(/\/+$/, '');
  const server = serverOrigin(base);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = fetchTrusting(options.auth?.ca);
  const authorization = authorizationHeader(options.auth);
  const request: PulsarAdmin['request'] = async (method, path, body) => {
    let res: Response;
    let text: string;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      // A broker that does not own a topic redirects (307) to the one that does. fetch would
      // follow it without the Authorization header (another origin), so Refract follows it
      // itself, with the token, to the same scheme only, at most MAX_REDIRECTS times.
      let url = `${base}${path}`;
      for (let hops = 0; ; hops++) {
        res = await send(url, {
          method, redirect: 'manual', signal,
          headers: { accept: 'application/json', ...authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const next = redirectTarget(res, url);
        if (next === undefined || hops >= MAX_REDIRECTS) break;
        await res.body?.cancel();
        url = next;
      }
      text = await res.text(); // the body can be cut off too
    } catch (cause) {
      const untrusted = untrustedCertificateCode(cause);
      if (untrusted) throw untrustedCertificate('Pulsar', base, untrusted, 'pulsarUrl');
      throw new RefractError('LOG.UNAVAILABLE', `Pulsar admin API at ${server} did not answer ${method} ${path}: ${describe(cause)}`, { url: server, path }, { cause });
    }
    const answer = { status: res.status, body: parse(text) };
    if (res.status >= 500 || res.status === 408 || res.status === 429) {
      throw new RefractError('LOG.UNAVAILABLE', `Pulsar admin API at ${server} answered ${res.status} to ${method} ${path}: ${adminReason(answer.body)}`, { url: server, path, status: res.status });
    }
    if (isAuthRefusal(res.status)) throw authRefusal(base, `${method} ${path}`, res.status, adminReason(answer.body), { path });
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

const MAX_REDIRECTS = 3;

/** Where a 307/308 points, resolved against `from`; undefined for any other answer or a change of scheme. */
function redirectTarget(res: Response, from: string): string | undefined {
  if (res.status !== 307 && res.status !== 308) return undefined;
  const location = res.headers.get('location');
  if (!location) return undefined;
  const next = new URL(location, from);
  return next.protocol === new URL(from).protocol ? next.href : undefined;
}

/** The broker's `{ "reason": … }`, or the body itself. */
export function adminReason(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string') {
    return (body as { reason: string }).reason;
  }
  // Jetty's own refusals (an unauthenticated request): { "message": "Authentication required", … }.
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
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
