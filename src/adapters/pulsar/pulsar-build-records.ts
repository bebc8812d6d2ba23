import { RefractError, type ProjectionBuild } from '../../domain/index.ts';
import type { BuildRecords } from '../../ports/index.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { adminReason, createPulsarAdmin } from './pulsar-admin.ts';
import type { PulsarNamespace } from './topic-names.ts';

const PREFIX = 'refract.built.';

/**
 * Build records as properties of the app's Pulsar namespace (docs/adr/0018): one property per
 * leg and projection, `refract.built.<leg>.<projection>` = `{"version":…,"fingerprint":…}`.
 * They live beside the log they were built from, so every runner and `refract status` read the
 * same record, and dropping the namespace drops them with it.
 */
export function createPulsarBuildRecords(webUrl: string, where: PulsarNamespace, auth?: ServerAuth): BuildRecords {
  const admin = createPulsarAdmin(webUrl, auth ? { auth } : {});
  const path = `/admin/v2/namespaces/${where.tenant}/${where.namespace}/properties`;
  return {
    async read() {
      const answer = await admin.request('GET', path);
      if (answer.status === 404) return []; // no namespace yet: nothing was built
      if (answer.status >= 300 || typeof answer.body !== 'object' || answer.body === null) {
        throw new RefractError('LOG.REFUSED', `Pulsar refused to read the build records of ${where.tenant}/${where.namespace} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
      }
      return Object.entries(answer.body as Record<string, unknown>).flatMap(([key, value]) => parseRecord(key, value));
    },
    async record(builds) {
      if (!builds.length) return;
      const body = Object.fromEntries(builds.map((b) => [`${PREFIX}${b.leg}.${b.projection}`, JSON.stringify({ version: b.version, fingerprint: b.fingerprint })]));
      const answer = await admin.request('PUT', path, body);
      if (answer.status >= 300) {
        throw new RefractError('LOG.REFUSED', `Pulsar refused to record builds in ${where.tenant}/${where.namespace} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
      }
    },
  };
}

/** A property that is not a well-formed record is someone else's, and ignored. */
function parseRecord(key: string, value: unknown): ProjectionBuild[] {
  if (!key.startsWith(PREFIX) || typeof value !== 'string') return [];
  const [leg, ...rest] = key.slice(PREFIX.length).split('.');
  if ((leg !== 'graph' && leg !== 'vector') || !rest.length) return [];
  try {
    const parsed = JSON.parse(value) as { version?: unknown; fingerprint?: unknown };
    if (typeof parsed.version !== 'number' || typeof parsed.fingerprint !== 'string') return [];
    return [{ leg, projection: rest.join('.'), version: parsed.version, fingerprint: parsed.fingerprint }];
  } catch {
    return [];
  }
}
