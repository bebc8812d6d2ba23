/** Where the integration tests reach each real server (see endpoints.ts). */
export interface ServiceEndpoints {
  readonly pulsar?: {
    /** Admin REST API, e.g. http://127.0.0.1:8080 */
    readonly webUrl: string;
    /** WebSocket API base, e.g. ws://127.0.0.1:8080 (append /ws/v2/producer/persistent/…) */
    readonly wsUrl: string;
    /** Binary protocol, e.g. pulsar://127.0.0.1:6650 */
    readonly brokerUrl: string;
  };
  readonly janusgraph?: {
    /** Gremlin Server WebSocket endpoint, e.g. ws://127.0.0.1:8182/gremlin */
    readonly gremlinUrl: string;
  };
  readonly opensearch?: {
    /** REST endpoint, e.g. http://127.0.0.1:9200 */
    readonly url: string;
  };
}

export type ServiceKey = keyof ServiceEndpoints;

/** Builds a server's endpoints from its host and resolved ports (keys as in its ServiceDefinition). */
export function endpointsFor(
  name: ServiceKey, host: string, ports: Readonly<Record<string, number>>,
): NonNullable<ServiceEndpoints[ServiceKey]> {
  const port = (key: string): number => {
    const value = ports[key];
    if (value === undefined) throw new Error(`CONFIG.INVALID: no ${key} port for ${name}`);
    return value;
  };
  switch (name) {
    case 'pulsar':
      return { webUrl: `http://${host}:${port('web')}`, wsUrl: `ws://${host}:${port('web')}`, brokerUrl: `pulsar://${host}:${port('broker')}` };
    case 'janusgraph':
      return { gremlinUrl: `ws://${host}:${port('gremlin')}/gremlin` };
    case 'opensearch':
      return { url: `http://${host}:${port('http')}` };
  }
}
