import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/adapters/config/config.ts';
import { serverAuth } from '../../src/adapters/config/server-auth.ts';
import { createJanusGraphStore } from '../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { initGraphSchema } from '../../src/adapters/janusgraph/init-graph-schema.ts';
import { createOpenSearchVectorStore } from '../../src/adapters/opensearch/opensearch-vector-store.ts';
import { initTopology } from '../../src/adapters/pulsar/init-topology.ts';
import { createPulsarAdmin } from '../../src/adapters/pulsar/pulsar-admin.ts';
import { createPulsarDeadLetters } from '../../src/adapters/pulsar/pulsar-dead-letters.ts';
import { createPulsarEventLog } from '../../src/adapters/pulsar/pulsar-event-log.ts';
import { createWebSocketTransport } from '../../src/adapters/pulsar/websocket-transport.ts';
import type { EventLog, GraphStore, VectorStore } from '../../src/ports/index.ts';
import { deadLettersContract } from '../contract/dead-letters.contract.ts';
import { eventLogContract } from '../contract/event-log.contract.ts';
import { graphStoreContract } from '../contract/graph-store.contract.ts';
import { unit, vectorStoreContract } from '../contract/vector-store.contract.ts';
import { prefixedGraphStore } from '../support/prefixed-graph-store.ts';
import { dropSecuredData } from '../support/secure-run.ts';

/**
 * The adapters' contract suites on the secured servers (docs/adr/0022): the same properties the
 * unsecured integration run checks, through TLS with Refract's token and passwords, so nothing
 * of the Pulsar, JanusGraph or OpenSearch adapter works only without them.
 */
const config = loadConfig();
const pulsar = { webUrl: config.pulsarUrl, auth: serverAuth(config, 'pulsar') };
const janusgraph = { url: config.janusgraphUrl, auth: serverAuth(config, 'janusgraph') };
const opensearch = { node: config.opensearchUrl, auth: serverAuth(config, 'opensearch') };
const run = randomUUID().slice(0, 8);
const where = { tenant: 'refract-test', namespace: `secure-${run}` };
const idPrefix = `t-secure-${run}-`;
const indexPrefix = `refract-secure-${run}-`;
const logs: EventLog[] = [];
const vectorStores: VectorStore[] = [];
let graph: GraphStore | undefined;
let topics = 0;
let graphs = 0;
let indices = 0;
let legs = 0;

beforeAll(async () => {
  await initTopology({ adminUrl: pulsar.webUrl, auth: pulsar.auth, ...where, topics: [] });
  await initGraphSchema(janusgraph);
  graph = createJanusGraphStore(janusgraph);
});

afterAll(async () => {
  await Promise.allSettled([...logs, ...vectorStores].map((c) => c.close()));
  await graph?.close();
  await dropSecuredData(config, { ...where, idPrefix, indexPrefix });
}, 120_000);

eventLogContract('pulsar, secured', async () => {
  const topic = `contract-${++topics}`;
  const created = await createPulsarAdmin(pulsar.webUrl, { auth: pulsar.auth }).request('PUT', `/admin/v2/persistent/${where.tenant}/${where.namespace}/${topic}`);
  if (created.status >= 300 && created.status !== 409) throw new Error(`creating ${topic}: HTTP ${created.status}`);
  const log = createPulsarEventLog({ ...pulsar, ...where });
  logs.push(log);
  return { log, topic };
});

deadLettersContract('pulsar, secured', () => Promise.resolve({
  deadLetters: createPulsarDeadLetters({ ...pulsar, ...where, listTimeoutMs: 1_500 }),
  leg: () => `leg-${++legs}`,
}));

graphStoreContract('janusgraph, secured', () => Promise.resolve(prefixedGraphStore(graph!, `${idPrefix}${++graphs}-`)));

vectorStoreContract('opensearch, secured', () => {
  const store = createOpenSearchVectorStore({ ...opensearch, prefix: `${indexPrefix}${++indices}-` });
  vectorStores.push(store);
  return Promise.resolve({ store, index: 'person' });
});

/**
 * What an event can inject (docs/adr/0022): text that would be Gremlin, JSON, a template or
 * SQL if anything pasted it into a script or a request body. Graph writes are bytecode with
 * bound values and bulk bodies are serialised JSON, so each is stored verbatim as data, and
 * the vertex written before it is still there.
 */
describe('what an event can inject', () => {
  const hostile = [
    "Robert'); g.V().drop(); //",
    '"); g.V().drop().iterate(); ("',
    "x' OR '1'='1'; DROP TABLE persons; --",
    '{"delete":{"_index":"*"}}\n{"index":{}}',
    '${jndi:ldap://127.0.0.1/x} #{7*7} {{7*7}}',
  ];

  it('is stored verbatim as data in the graph, and nothing else changes', async () => {
    const store = prefixedGraphStore(graph!, `${idPrefix}inject-`);
    await store.apply([{ kind: 'upsert_vertex', label: 'person', id: 'keeper', version: 1, properties: { name: 'Keeper' }, edges: [] }]);
    const result = await store.apply(hostile.map((name, i) => ({
      kind: 'upsert_vertex' as const, label: 'person', id: `h-${i}`, version: 1, properties: { name, city: name }, edges: [],
    })));
    expect(result.rejected).toEqual([]);
    const found = await store.get(['keeper', ...hostile.map((_, i) => `h-${i}`)]);
    expect(found.get('keeper')?.properties.name).toBe('Keeper');
    hostile.forEach((name, i) => expect(found.get(`h-${i}`)?.properties).toMatchObject({ name, city: name }));
  });

  it('is stored verbatim as data in the vector index, and nothing else changes', async () => {
    const store = createOpenSearchVectorStore({ ...opensearch, prefix: `${indexPrefix}inject-` });
    vectorStores.push(store);
    const doc = (id: string, name: string, hot: number) => ({
      kind: 'index' as const, index: 'person', id, version: 1, fields: { name }, textHash: `h${hot}`, modelId: 'test', embedding: unit(hot),
    });
    await store.write([doc('keeper', 'Keeper', 0)]);
    expect((await store.write(hostile.map((name, i) => doc(`h-${i}`, name, i + 1)))).rejected).toEqual([]);
    const found = await store.get('person', ['keeper', ...hostile.map((_, i) => `h-${i}`)]);
    expect(found.get('keeper')?.fields.name).toBe('Keeper');
    hostile.forEach((name, i) => expect(found.get(`h-${i}`)?.fields.name).toBe(name));
  });
});

/**
 * A server certificate Refract does not trust (docs/adr/0022): without the CA, each adapter's
 * own connection refuses with CONFIG.INVALID naming the server, so verification cannot be off
 * on any of the paths (a host the certificate does not name: test/adapters/shared/).
 */
describe('a certificate Refract does not trust', () => {
  const withoutCa = <A extends { ca?: string }>(auth: A): Omit<A, 'ca'> => {
    const { ca: _ca, ...rest } = auth;
    return rest;
  };
  const untrusted = (server: string) => ({ code: 'CONFIG.INVALID', message: expect.stringMatching(new RegExp(`${server} at \\S+ presented a certificate Refract does not trust`)) as unknown });

  it('stops a WebSocket connection to Pulsar', async () => {
    const transport = createWebSocketTransport({ webUrl: pulsar.webUrl, auth: withoutCa(pulsar.auth) });
    await expect(transport.openProducer(`persistent://${where.tenant}/${where.namespace}/tls`, {}, () => undefined)).rejects.toMatchObject(untrusted('Pulsar'));
  });

  it('stops a Gremlin connection to JanusGraph', async () => {
    const store = createJanusGraphStore({ url: janusgraph.url, auth: withoutCa(janusgraph.auth) });
    await expect(store.get(['x'])).rejects.toMatchObject(untrusted('JanusGraph'));
    await store.close();
  });

  it('stops a request to OpenSearch', async () => {
    const store = createOpenSearchVectorStore({ node: opensearch.node, auth: withoutCa(opensearch.auth), prefix: `${indexPrefix}tls-` });
    await expect(store.get('person', ['x'])).rejects.toMatchObject(untrusted('OpenSearch'));
    await store.close();
  });
});
