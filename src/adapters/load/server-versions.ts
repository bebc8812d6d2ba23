import type { RefractConfig } from '../config/config.ts';
import { serverAuth } from '../config/server-auth.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { authorizedGet } from '../shared/tls-trust.ts';

/**
 * Versions of the servers a run used, asked once through their read-only endpoints; a server
 * that does not say is left out rather than failing the run. JanusGraph reports its version
 * only through a script, which Refract keeps for schema work, so it is named without one.
 */
export async function serverVersions(config: RefractConfig): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ask = async (url: string, auth: ServerAuth) => {
    try {
      const res = await authorizedGet(url, auth, 3_000);
      return res.status >= 200 && res.status < 300 ? res.text : undefined;
    } catch {
      return undefined;
    }
  };
  if (config.eventLog === 'pulsar') {
    const v = await ask(`${config.pulsarUrl.replace(/\/+$/, '')}/admin/v2/brokers/version`, serverAuth(config, 'pulsar'));
    if (v) out['pulsar'] = v.replace(/"/g, '').trim();
  }
  if (config.vectors === 'opensearch') {
    const body = await ask(config.opensearchUrl, serverAuth(config, 'opensearch'));
    const v = body ? (parseJson(body) as { version?: { number?: string } } | undefined)?.version?.number : undefined;
    if (v) out['opensearch'] = v;
  }
  if (config.graph === 'janusgraph') out['janusgraph'] = 'version not reported';
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
