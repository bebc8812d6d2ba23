import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import { RefractError } from '../../domain/index.ts';
import { authorizationHeader, type ServerAuth } from '../shared/server-auth.ts';
import { untrustedCertificate, untrustedCertificateCode } from '../shared/tls-trust.ts';
import { authRefusal, isAuthRefusal } from './auth-refusal.ts';

/** An open WebSocket and a way to coalesce the frames sent in one tick into one write. */
export interface OpenSocket {
  readonly socket: WebSocket;
  /**
   * Holds writes until the current tick ends. Every frame otherwise costs a system call of its
   * own, which was half of the producer's CPU time when a thousand sends were in flight.
   */
  readonly hold: () => void;
}

/**
 * Opens a WebSocket to the broker and sorts a failure by who can fix it: no answer, a 5xx
 * while the broker starts, a 408 or a 429 (too many requests or connections, a busy proxy) is
 * LOG.UNAVAILABLE (retry later); a 401 or 403 is CONFIG.INVALID (the broker will not let
 * Refract in, as the admin API says too); any other 4xx is LOG.REFUSED with the broker's
 * reason (ProducerBusy, namespace not found, bad parameters). `busy` marks a 409.
 * `attach` runs inside the 'open' event: frames that arrived with the handshake are emitted
 * in that same tick, before any promise continuation could add a listener. `auth`'s token goes
 * in the upgrade's Authorization header (never the URL), and its CA is what wss:// trusts.
 */
export function openWebSocket<T>(
  url: string, topic: string, timeoutMs: number, attach: (open: OpenSocket) => T, auth?: ServerAuth,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let raw: net.Socket | undefined;
    // ws's own connectors, kept so the raw socket can be corked (see `hold`). `path` is the
    // HTTP path here, which net/tls would take for a Unix socket.
    const createConnection = (options: net.NetConnectOpts & tls.ConnectionOptions & { host?: string }) => {
      const host = options.host ?? '';
      raw = url.startsWith('wss:')
        ? tls.connect({ ...options, path: undefined, servername: options.servername ?? (net.isIP(host) ? '' : host) } as tls.ConnectionOptions)
        : net.connect({ ...options, path: undefined } as net.NetConnectOpts);
      return raw;
    };
    const socket = new WebSocket(url, {
      perMessageDeflate: false, handshakeTimeout: timeoutMs, createConnection,
      headers: authorizationHeader(auth), ...(auth?.ca === undefined ? {} : { ca: auth.ca }),
    } as WebSocket.ClientOptions);
    const fail = (error: RefractError) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      reject(error);
    };
    socket.once('open', () => {
      socket.removeAllListeners();
      resolve(attach({ socket, hold: holder(raw) }));
    });
    socket.once('error', (cause) => {
      const untrusted = untrustedCertificateCode(cause);
      if (untrusted) {
        fail(untrustedCertificate('Pulsar', url, untrusted, 'pulsarUrl'));
        return;
      }
      fail(new RefractError('LOG.UNAVAILABLE', `Pulsar did not answer for ${topic} at ${origin(url)}: ${cause.message}`, { topic, url: origin(url) }, { cause }));
    });
    socket.once('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        const status = response.statusCode ?? 0;
        const reason = brokerReason(body, response.statusMessage);
        const details = { topic, status, reason, busy: status === 409 };
        if (isAuthRefusal(status)) fail(authRefusal(url, `a connection for ${topic}`, status, reason, details));
        else if (status >= 500 || status === 0 || status === 408 || status === 429) fail(new RefractError('LOG.UNAVAILABLE', `Pulsar could not serve ${topic} (${status}): ${reason}`, details));
        else fail(new RefractError('LOG.REFUSED', `Pulsar refused ${topic} (${status}): ${reason}`, details));
      });
    });
  });
}

/**
 * The WebSocket handler answers a refused upgrade with an HTML page whose title holds
 * `{"errorMsg":"…NamingException: Producer with name 'x' is already connected…"}`; this digs
 * out the message and names the broker's error (ProducerBusy) where the class says it.
 */
export function brokerReason(html: string, statusMessage = ''): string {
  const title = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? html;
  const text = decodeEntities(title).replace(/^Error \d+\s*/, '');
  const raw = /"errorMsg"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const message = raw === undefined ? text.trim() : unescapeJson(raw);
  const exception = /([A-Za-z]+Exception): /.exec(message)?.[1];
  const plain = message.replace(/^(?:[\w$]+\.)+[\w$]+: /, '');
  const name = exception === 'NamingException' ? 'ProducerBusy' : exception?.replace(/Exception$/, '');
  return `${name ? `${name}: ` : ''}${plain || statusMessage || 'no reason given'}`.slice(0, 500);
}

function unescapeJson(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };
  return text.replace(/&(#\d+|[a-z]+);/g, (whole, entity: string) =>
    entity.startsWith('#') ? String.fromCharCode(Number(entity.slice(1))) : (named[entity] ?? whole));
}

function holder(raw: net.Socket | undefined): () => void {
  let held = false;
  return () => {
    if (held || !raw) return;
    held = true;
    raw.cork();
    process.nextTick(() => {
      held = false;
      raw?.uncork();
    });
  };
}

const origin = (url: string) => url.replace(/\?.*$/, '');

/** Pings every `intervalMs`; a connection that missed a whole interval's pong is cut, so its owner reconnects. */
export function keepAlive(socket: WebSocket, intervalMs: number): void {
  let alive = true;
  socket.on('pong', () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}
