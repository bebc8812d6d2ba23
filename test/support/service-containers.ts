import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { JANUSGRAPH_VERSION } from '../../scripts/services/janusgraph.ts';
import { OPENSEARCH_VERSION } from '../../scripts/services/opensearch.ts';
import { PULSAR_VERSION } from '../../scripts/services/pulsar.ts';
import type { ServiceName } from '../../scripts/services/service.ts';

const STARTUP_TIMEOUT_MS = 240_000;

/** A server started in Docker: where it listens (by the port keys of its ServiceDefinition) and how to stop it. */
export interface StartedServiceContainer {
  readonly host: string;
  readonly ports: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

/** Container ports by ServiceDefinition port key; each is the server's standard port. */
const EXPOSED: Record<ServiceName, Readonly<Record<string, number>>> = {
  pulsar: { web: 8080, broker: 6650 },
  janusgraph: { gremlin: 8182 },
  opensearch: { http: 9200, transport: 9300 },
};

function container(name: ServiceName): GenericContainer {
  switch (name) {
    case 'pulsar':
      return new GenericContainer(`apachepulsar/pulsar:${PULSAR_VERSION}`)
        .withCommand(['sh', '-c', 'bin/apply-config-from-env.py conf/standalone.conf && exec bin/pulsar standalone -nfw -nss'])
        .withEnvironment({
          PULSAR_PREFIX_brokerDeduplicationEnabled: 'true',
          PULSAR_PREFIX_webSocketServiceEnabled: 'true',
          // As services/pulsar/standalone.conf: a base64 frame of a 5 MiB message must fit.
          PULSAR_PREFIX_webSocketMaxTextFrameSize: '8388608',
          PULSAR_MEM: '-Xms256m -Xmx768m -XX:MaxDirectMemorySize=512m',
        })
        .withWaitStrategy(Wait.forHttp('/admin/v2/namespaces/public', 8080)
          .forResponsePredicate((body) => body.includes('public/default')));
    case 'janusgraph':
      // The image defaults to BerkeleyJE + Lucene: durable, as tests that restart it need.
      return new GenericContainer(`janusgraph/janusgraph:${JANUSGRAPH_VERSION}`)
        // SERIALIZABLE: concurrent get-or-create must not duplicate vertices (docs/adr/0009).
        // No server-side timeout: its interrupt invalidates BerkeleyJE (docs/adr/0010).
        .withEnvironment({ JAVA_OPTIONS: '-Xms256m -Xmx768m', 'janusgraph.storage.berkeleyje.isolation-level': 'SERIALIZABLE', 'gremlinserver.evaluationTimeout': '0' })
        .withWaitStrategy(Wait.forLogMessage(/Channel started at port 8182/));
    case 'opensearch':
      return new GenericContainer(`opensearchproject/opensearch:${OPENSEARCH_VERSION}`)
        .withEnvironment({
          'discovery.type': 'single-node',
          DISABLE_SECURITY_PLUGIN: 'true',
          DISABLE_INSTALL_DEMO_CONFIG: 'true',
          OPENSEARCH_JAVA_OPTS: '-Xms512m -Xmx512m',
        })
        .withWaitStrategy(Wait.forHttp('/_cluster/health?wait_for_status=yellow', 9200));
  }
}

/** Starts the server's official image with testcontainers (only where a Docker engine answers). */
export async function startServiceContainer(name: ServiceName): Promise<StartedServiceContainer> {
  const exposed = EXPOSED[name];
  const started: StartedTestContainer = await container(name)
    .withExposedPorts(...Object.values(exposed))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  const ports = Object.fromEntries(Object.entries(exposed).map(([key, port]) => [key, started.getMappedPort(port)]));
  return { host: started.getHost(), ports, stop: async () => { await started.stop(); } };
}
