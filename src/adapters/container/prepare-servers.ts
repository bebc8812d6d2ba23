import type { App } from '../../projections/app.ts';
import type { RefractConfig } from '../config/config.ts';
import { serverAuth } from '../config/server-auth.ts';
import { oneShotRetry, type OneShotRetry } from '../cli/one-shot-retry.ts';

/**
 * Idempotent bootstrap of whatever servers the configuration uses, before the first write:
 * Pulsar's tenant, namespace and topics; JanusGraph's schema and unique index; for OpenSearch,
 * whose indices are created on first write, one read that proves Refract may reach it. Each step is retried while its server is starting or
 * restarting (logged, bounded: see oneShotRetry); a refusal or bad setting fails at once.
 * Returns one line per server for progress output.
 */
export async function prepareServers(config: RefractConfig, app: App, retry: OneShotRetry = oneShotRetry()): Promise<string[]> {
  const done: string[] = [];
  if (config.eventLog === 'pulsar') {
    const { initTopology } = await import('../pulsar/init-topology.ts');
    const report = await retry('pulsar topology', () =>
      initTopology({ adminUrl: config.pulsarUrl, auth: serverAuth(config, 'pulsar'), tenant: config.pulsarTenant, namespace: config.pulsarNamespace, topics: app.topics }));
    const created = report.steps.filter((s) => s.outcome !== 'present').length;
    done.push(`pulsar topology ${config.pulsarTenant}/${config.pulsarNamespace}: ${created} changed, ${report.steps.length - created} present`);
  }
  if (config.graph === 'janusgraph') {
    const { initGraphSchema } = await import('../janusgraph/init-graph-schema.ts');
    const { graphSchemaFor } = await import('../janusgraph/graph-schema.ts');
    const report = await retry('janusgraph schema', () => initGraphSchema({ url: config.janusgraphUrl, auth: serverAuth(config, 'janusgraph'), schema: graphSchemaFor(app) }));
    done.push(`janusgraph schema: ${report.created.length} created, ${report.present.length} present, indices ${report.index}`);
  }
  if (config.vectors === 'opensearch') {
    const { checkOpenSearchAccess } = await import('../opensearch/check-access.ts');
    const version = await retry('opensearch access', () => checkOpenSearchAccess(config.opensearchUrl, serverAuth(config, 'opensearch')));
    done.push(`opensearch ${version}: answers Refract`);
  }
  return done;
}
