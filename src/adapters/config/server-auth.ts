import { readFileSync } from 'node:fs';
import type { ServerAuth } from '../shared/server-auth.ts';
import type { RefractConfig } from './config.ts';

/**
 * What Refract presents to, and trusts at, one server, from the configuration (docs/adr/0022):
 * the CA file's certificates, and Pulsar's token or the server's user name and password.
 */
export function serverAuth(config: RefractConfig, server: 'pulsar' | 'janusgraph' | 'opensearch'): ServerAuth {
  const ca = config.caFile === undefined ? undefined : caOf(config.caFile);
  const credentials = server === 'pulsar'
    ? { token: config.pulsarToken }
    : server === 'janusgraph'
      ? { username: config.janusgraphUsername, password: config.janusgraphPassword }
      : { username: config.opensearchUsername, password: config.opensearchPassword };
  return Object.fromEntries(Object.entries({ ca, ...credentials }).filter(([, value]) => value !== undefined));
}

/** The CA file's certificates, read once per process like the credential files (loadConfig checked it can be read). */
const cas = new Map<string, string>();
function caOf(file: string): string {
  let pem = cas.get(file);
  if (pem === undefined) cas.set(file, (pem = readFileSync(file, 'utf8')));
  return pem;
}
