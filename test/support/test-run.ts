import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceEndpoints } from './endpoints.ts';
import type { RunNamespace } from './subscription-stats.ts';

/**
 * Where one integration test file works on the shared servers: a Pulsar namespace, an entity-id
 * prefix and a temporary folder of its own, the server endpoints, and the REFRACT_* settings a
 * runner or a CLI child process needs to work there.
 */
export function testRun(name: string) {
  const nonce = randomUUID().slice(0, 6);
  const where: RunNamespace = { webUrl: serviceEndpoints('pulsar').webUrl, tenant: 'apps', namespace: `${name}-${nonce}` };
  const { gremlinUrl } = serviceEndpoints('janusgraph');
  const opensearchUrl = serviceEndpoints('opensearch').url;
  const workDir = mkdtempSync(join(tmpdir(), `refract-${name}-${nonce}-`));
  return {
    nonce, where, gremlinUrl, opensearchUrl, workDir,
    prefix: `${name}-${nonce}-`,
    logFile: join(workDir, 'runner.log'),
    env: {
      REFRACT_PULSAR_URL: where.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
      REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl, REFRACT_STATE_DIR: join(workDir, 'state'),
    },
  };
}
