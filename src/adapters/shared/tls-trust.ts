import { Agent, fetch as undiciFetch } from 'undici';
import { RefractError } from '../../domain/index.ts';
import { authorizationHeader, type ServerAuth } from './server-auth.ts';
import { serverOrigin } from './server-origin.ts';

/** What Node's TLS says when the server's certificate does not chain to a trusted CA or does not name the host. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
]);

/** Node's messages for those codes: some clients (OpenSearch's) keep only the message of a TLS failure. */
const UNTRUSTED_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
];

/** The TLS verification code somewhere in an error's cause chain, if the failure was one. */
export function untrustedCertificateCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED.has(code)) return code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') {
      const known = UNTRUSTED_MESSAGES.find(([pattern]) => pattern.test(message));
      if (known) return known[1];
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The configuration error for a server whose certificate Refract does not trust: no retry
 * helps, an operator must set caFile (or fix the certificate). Names the server, never a secret.
 */
export function untrustedCertificate(server: string, url: string, code: string, field: string): RefractError {
  return new RefractError(
    'CONFIG.INVALID',
    `${server} at ${serverOrigin(url)} presented a certificate Refract does not trust (${code}): set caFile ` +
      `(REFRACT_CA_FILE) to the CA that signed it, and check that ${field} names the host the certificate is for`,
    { field: 'caFile', server: serverOrigin(url), code },
  );
}

/** One connection pool per CA for the whole process: every client trusting it shares it. */
const dispatchers = new Map<string, Agent>();

/** A fetch that trusts `ca` (PEM) for https://, or the global fetch when none is given. */
export function fetchTrusting(ca: string | undefined): typeof fetch {
  if (ca === undefined) return fetch;
  let dispatcher = dispatchers.get(ca);
  if (!dispatcher) dispatchers.set(ca, (dispatcher = new Agent({ connect: { ca } })));
  const pool = dispatcher;
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: pool })) as unknown as typeof fetch;
}

/** One GET with a server's credentials and trusted CA: its status and body text. */
export async function authorizedGet(url: string, auth: ServerAuth, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await fetchTrusting(auth.ca)(url, { headers: authorizationHeader(auth), signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}
