import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import libraryApp from '../../../examples/library/app.ts';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { createOpenSearchVectorStore } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateAppEvents } from '../../../src/adapters/synthetic/schema-arbitrary.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../../support/embedded-pipeline.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { listedGraphStore, listedVectorStore } from '../../support/listed-stores.ts';
import { startRunner } from '../../support/runner-process.ts';
import { graphSnapshot, vectorSnapshot } from '../../support/snapshots.ts';
import type { RunNamespace } from '../../support/subscription-stats.ts';

/**
 * The second example application on the real servers, through the CLI a user runs:
 * `refract run --app examples/library/app.ts` (as REFRACT_APP) on Pulsar, JanusGraph and
 * OpenSearch, fed events derived from the app's schemas. Both stores must end exactly as an
 * in-order run of the same events on the in-memory stores: every vertex, edge owner, document
 * and tombstone of every projection, the both-store `open-loans` included.
 */
const nonce = randomUUID().slice(0, 6);
const prefix = `library-${nonce}-`;
const where: RunNamespace = { webUrl: serviceEndpoints('pulsar').webUrl, tenant: 'apps', namespace: `library-${nonce}` };
const { gremlinUrl } = serviceEndpoints('janusgraph');
const opensearchUrl = serviceEndpoints('opensearch').url;
const workDir = mkdtempSync(join(tmpdir(), `refract-library-${nonce}-`));
const logFile = join(workDir, 'runner.log');

afterAll(async () => {
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix, indices: libraryApp.indices.map((i) => i.name) });
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('the library application on the real servers', () => {
  it('ends with both stores equal to an in-order run on the in-memory stores', async () => {
    const messages = generateAppEvents(libraryApp, {
      seed: 11, entities: 90, updatesPerEntity: 2, deleteShare: 0.1, duplicateShare: 0.05, idPrefix: prefix,
    });
    const events = messages.flatMap((m) => (m.event ? [m.event] : []));
    await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, topics: libraryApp.topics });
    const log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `library-${nonce}` });
    try {
      const result = await log.publish(messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.payload, properties: {} })));
      expect(result.failed).toEqual([]);
    } finally {
      await log.close();
    }

    const runner = startRunner({
      REFRACT_APP: 'examples/library/app.ts',
      REFRACT_PULSAR_URL: where.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
      REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl, REFRACT_STATE_DIR: join(workDir, 'state'),
    }, logFile, true);
    expect(await runner.exited, readFileSync(logFile, 'utf8').slice(-3000)).toEqual({ code: 0, signal: null });

    const reference = embeddedParts();
    await publishEvents(reference.log, [...events].sort((a, b) => a.version - b.version), libraryApp);
    await runBothLegs(reference, { batchSize: 1 }, libraryApp);
    expect(reference.deadLetters.all()).toEqual([]);

    const referenceGraph = await graphSnapshot(reference.graph, null);
    const indices = libraryApp.indices.map((i) => i.name);
    const referenceDocuments = await vectorSnapshot(reference.vectors, indices);
    expect(referenceGraph.size).toBeGreaterThan(90);
    expect([...referenceGraph.values()].some((v) => v.label === 'open_loan')).toBe(true);

    const janus = createJanusGraphStore({ url: gremlinUrl });
    const embedderDimension = reference.embedder.dimension;
    const opensearch = createOpenSearchVectorStore({ node: opensearchUrl, dimension: embedderDimension });
    try {
      expect(await graphSnapshot(listedGraphStore(janus, referenceGraph.keys()), null)).toEqual(referenceGraph);
      const idsIn = (index: string) => [...referenceDocuments].filter(([, d]) => d.index === index).map(([id]) => id);
      const byIndex = Object.fromEntries(indices.map((index) => [index, idsIn(index)]));
      expect(await vectorSnapshot(listedVectorStore(opensearch, byIndex, ''), indices)).toEqual(referenceDocuments);
    } finally {
      await Promise.all([janus.close(), opensearch.close()]);
    }
  }, 240_000);
});
