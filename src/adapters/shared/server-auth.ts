import type { Secret } from './secret.ts';

/**
 * How Refract proves who it is to one server and whom it trusts there (docs/adr/0022). Every
 * field is optional: an unsecured server needs none of them.
 */
export interface ServerAuth {
  /** PEM of the CA certificates to trust for https:// and wss:// (instead of the system's); from setting caFile. */
  readonly ca?: string;
  /** Pulsar: a JSON Web Token, sent as `Authorization: Bearer …`. */
  readonly token?: Secret;
  /** JanusGraph (SASL PLAIN) and OpenSearch (HTTP basic): a user name and its password. */
  readonly username?: string;
  readonly password?: Secret;
}

/** An `Authorization` header for HTTP: Bearer for a token, Basic for a user and password; none without. */
export function authorizationHeader(auth: ServerAuth | undefined): Record<string, string> {
  if (auth?.token) return { authorization: `Bearer ${auth.token.reveal()}` };
  if (auth?.username !== undefined && auth.password) {
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString('base64')}` };
  }
  return {};
}
