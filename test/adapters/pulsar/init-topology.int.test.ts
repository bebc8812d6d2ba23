import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropNamespace } from '../../../src/adapters/pulsar/drop-namespace.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { TEST_TENANT } from './pulsar-test-setup.ts';

const { webUrl } = serviceEndpoints('pulsar');
const namespace = `topology-${randomUUID().slice(0, 8)}`;
const config = { adminUrl: webUrl, tenant: TEST_TENANT, namespace, retention: { minutes: 60, sizeMb: 100 } };
const admin = async (path: string): Promise<unknown> => (await fetch(`${webUrl}/admin/v2${path}`)).json();

afterAll(async () => {
  await dropNamespace(createPulsarAdmin(webUrl), TEST_TENANT, namespace);
});

describe('initTopology', () => {
  describe('when run on a broker without the namespace', () => {
    it('creates the namespace with deduplication and retention, the entity topics, and the dead-letter topics that keep their letters', async () => {
      const report = await initTopology(config);
      expect(report.changed).toBe(true);
      expect(report.steps.filter((s) => s.outcome === 'created').map((s) => s.what)).toEqual(expect.arrayContaining([
        `namespace ${TEST_TENANT}/${namespace}`, `deduplication on ${TEST_TENANT}/${namespace}`,
        `topic persistent://${TEST_TENANT}/${namespace}/persons`, `topic persistent://${TEST_TENANT}/${namespace}/graph-dlq`,
        `subscription refract-dead-letters on persistent://${TEST_TENANT}/${namespace}/vector-dlq`,
      ]));
      expect(await admin(`/namespaces/${TEST_TENANT}/${namespace}/deduplication`)).toBe(true);
      expect(await admin(`/namespaces/${TEST_TENANT}/${namespace}/retention`)).toEqual({ retentionTimeInMinutes: 60, retentionSizeInMB: 100 });
      expect(await admin(`/persistent/${TEST_TENANT}/${namespace}`)).toEqual(expect.arrayContaining(
        ['persons', 'companies', 'accounts', 'transactions', 'graph-dlq', 'vector-dlq', 'cdc-dlq'].map((t) => `persistent://${TEST_TENANT}/${namespace}/${t}`),
      ));
      expect(await admin(`/persistent/${TEST_TENANT}/${namespace}/graph-dlq/subscriptions`)).toEqual(['refract-dead-letters']);
    });
  });

  describe('when run a second time', () => {
    it('changes nothing and says so', async () => {
      const report = await initTopology(config);
      expect(report.changed).toBe(false);
      expect(new Set(report.steps.map((s) => s.outcome))).toEqual(new Set(['present']));
      // tenant, namespace, 2 policies, 4 entity topics, 3 dead-letter topics (graph, vector, cdc) and their subscriptions
      expect(report.steps).toHaveLength(14);
    });
  });

  describe('when the retention asked for differs from what is set', () => {
    it('updates it and reports the update', async () => {
      const report = await initTopology({ ...config, retention: { minutes: -1, sizeMb: -1 } });
      expect(report.steps.find((s) => s.what.startsWith('retention'))?.outcome).toBe('updated');
      expect(await admin(`/namespaces/${TEST_TENANT}/${namespace}/retention`)).toEqual({ retentionTimeInMinutes: -1, retentionSizeInMB: -1 });
    });
  });

  describe('when no retention is asked for (the set-up before run, demo and load)', () => {
    it('leaves a retention an operator set as it is', async () => {
      await initTopology({ ...config, retention: { minutes: 90, sizeMb: 50 } });
      const { retention: _, ...unasked } = config;
      const report = await initTopology(unasked);
      expect(report.steps.find((s) => s.what.startsWith('retention'))?.outcome).toBe('present');
      expect(await admin(`/namespaces/${TEST_TENANT}/${namespace}/retention`)).toEqual({ retentionTimeInMinutes: 90, retentionSizeInMB: 50 });
    });
  });
});
