import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropNamespace } from '../../../src/adapters/pulsar/drop-namespace.ts';
import { createPulsarAdmin } from '../../../src/adapters/pulsar/pulsar-admin.ts';
import { gremlinClient } from '../../support/gremlin-client.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { janusgraphFingerprint } from '../../support/janusgraph-fingerprint.ts';
import { opensearchFingerprint } from '../../support/opensearch-fingerprint.ts';
import { publishOnce } from '../../support/publish-once.ts';
import { pulsarFingerprint } from '../../support/pulsar-fingerprint.ts';
import { compareFingerprints, type Fingerprint } from '../../support/stack-fingerprint.ts';

/**
 * The guard that keeps a test run off servers it does not own (docs/adr/0011): its readings
 * of real servers see each kind of write, and a whole nested test run that writes to such a
 * server fails. The servers here are the suite's own; each check looks only at what it wrote.
 */
const run = randomUUID().slice(0, 8);
const only = (reading: Fingerprint, part: string): Fingerprint =>
  ({ ...reading, facts: Object.fromEntries(Object.entries(reading.facts).filter(([key]) => key.includes(part))) });

describe('the fingerprint of a real Pulsar', () => {
  const { webUrl, wsUrl } = serviceEndpoints('pulsar');
  const namespace = `guard-${run}`;
  const admin = (method: string, path: string, body?: unknown) => fetch(`${webUrl}/admin/v2${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const publish = (topic: string) => publishOnce(wsUrl, `persistent://public/${namespace}/${topic}`, 'x');
  beforeAll(async () => {
    expect((await admin('PUT', `/namespaces/public/${namespace}`)).status).toBe(204);
  });
  afterAll(() => dropNamespace(createPulsarAdmin(webUrl), 'public', namespace));

  describe('when a message is published to a topic with a subscription', () => {
    it('shows the topic\'s storage and backlog change, and nothing when nothing was written', async () => {
      await admin('PUT', `/persistent/public/${namespace}/kept/subscription/keeper`, { ledgerId: -1, entryId: -1 });
      const first = only(await pulsarFingerprint(webUrl), namespace);
      expect(first.facts[`topic persistent://public/${namespace}/kept subscription keeper backlog`]).toBe('0');
      expect(compareFingerprints(first, only(await pulsarFingerprint(webUrl), namespace))).toEqual([]);

      await publish('kept');
      const changes = compareFingerprints(first, only(await pulsarFingerprint(webUrl), namespace));
      expect(changes).toContain(`pulsar at ${webUrl}: topic persistent://public/${namespace}/kept subscription keeper backlog: 0 → 1`);
      expect(changes.some((c) => c.includes('kept storage bytes'))).toBe(true);
    });
  });

  describe('when a topic without subscriptions that was not loaded is written to', () => {
    it('shows its ledger list change, and reading it does not load the topic', async () => {
      const ledgers = async () => ((await (await admin('GET', `/persistent/public/${namespace}/bare/internal-info`)).json()) as { ledgers: { ledgerId: number }[] })
        .ledgers.map((l) => l.ledgerId);
      await publish('bare');
      expect((await admin('PUT', `/persistent/public/${namespace}/bare/unload`)).status).toBe(204);
      const unloaded = await ledgers();
      const before = only(await pulsarFingerprint(webUrl), `${namespace}/bare`);
      // Loading a topic opens a new ledger: the same list means the reading left it unloaded.
      expect(await ledgers()).toEqual(unloaded);

      await publish('bare');
      expect(compareFingerprints(before, only(await pulsarFingerprint(webUrl), `${namespace}/bare`))).toEqual([
        expect.stringMatching(new RegExp(`topic persistent://public/${namespace}/bare ledgers: .+ → .+`)),
      ]);
    });
  });

  describe('when a namespace appears', () => {
    it('names it', async () => {
      const before = await pulsarFingerprint(webUrl);
      expect(Object.keys(before.facts)).toContain(`namespace public/${namespace}`);
      expect(Object.keys(before.facts).some((key) => key.includes('__change_events'))).toBe(false);
    });
  });
});

describe('the fingerprint of a real JanusGraph', () => {
  const { gremlinUrl } = serviceEndpoints('janusgraph');
  const { g, t, close } = gremlinClient(gremlinUrl);
  afterAll(async () => {
    await g.V().has('guard_probe_run', run).drop().iterate();
    await close();
  });

  describe('when a sampled vertex is changed and then removed', () => {
    it('shows its hash change, then the vertex disappear', async () => {
      const [id] = await g.addV('guard_probe').property('guard_probe_run', run).property('guard_probe_value', 'a')
        .project('id').by(t.id).select('id').toList();
      const before = await janusgraphFingerprint(gremlinUrl, [id]);
      expect(before.facts[`vertex ${String(id)}`]).toMatch(/^[0-9a-f]{16}$/);
      expect(Number(before.facts['vertices'])).toBeGreaterThan(0);
      expect(compareFingerprints(before, await janusgraphFingerprint(gremlinUrl, [id]))).toEqual([]);

      await g.V(id).property('guard_probe_value', 'b').iterate();
      expect(compareFingerprints(only(before, 'vertex'), only(await janusgraphFingerprint(gremlinUrl, [id]), 'vertex')))
        .toEqual([expect.stringMatching(new RegExp(`vertex ${String(id)}: [0-9a-f]+ → [0-9a-f]+`))]);

      await g.V(id).drop().iterate();
      expect(compareFingerprints(only(before, 'vertex'), only(await janusgraphFingerprint(gremlinUrl, [id]), 'vertex')))
        .toEqual([expect.stringContaining(`vertex ${String(id)}: disappeared`)]);
    });
  });

  describe('when no sample is given', () => {
    it('samples vertices itself and returns their ids for the second reading', async () => {
      await g.addV('guard_probe').property('guard_probe_run', run).iterate();
      const reading = await janusgraphFingerprint(gremlinUrl);
      expect(reading.sampleIds.length).toBeGreaterThan(0);
      expect(Object.keys(reading.facts).filter((k) => k.startsWith('vertex ')).length).toBe(reading.sampleIds.length);
    });
  });
});

describe('the fingerprint of a real OpenSearch', () => {
  const { url } = serviceEndpoints('opensearch');
  const index = `guard-probe-${run}`;
  const call = (method: string, path: string, body?: unknown) => fetch(`${url}${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  afterAll(async () => { await call('DELETE', `/${index}`); });

  describe('when a document is overwritten (the count stays) and then the index is deleted', () => {
    it('shows the sequence number move, then the index disappear', async () => {
      await call('PUT', `/${index}`, { settings: { number_of_replicas: 0 } });
      await call('PUT', `/${index}/_doc/a`, { v: 1 });
      const before = only(await opensearchFingerprint(url), index);
      expect(before.facts[`index ${index} max seq_no by shard`]).toBe('0:0');

      await call('PUT', `/${index}/_doc/a`, { v: 2 });
      expect(compareFingerprints(before, only(await opensearchFingerprint(url), index)))
        .toEqual([`opensearch at ${url}: index ${index} max seq_no by shard: 0:0 → 0:1`]);

      await call('DELETE', `/${index}`);
      expect(compareFingerprints(before, only(await opensearchFingerprint(url), index))).toHaveLength(3);
    });
  });
});

describe('a whole test run beside servers it does not own', () => {
  const { webUrl } = serviceEndpoints('pulsar');
  const { gremlinUrl } = serviceEndpoints('janusgraph');
  const namespace = `guard-run-${run}`;
  afterAll(() => dropNamespace(createPulsarAdmin(webUrl), 'public', namespace));

  /**
   * The nested run sees the suite's Pulsar and JanusGraph as the user's (REFRACT_PULSAR_WEB_PORT,
   * REFRACT_JANUSGRAPH_PORT), sets up no servers of its own, and may write to them.
   */
  const nestedRun = (write: Record<string, string> = {}) => vitest({
    REFRACT_SERVICES: 'none',
    REFRACT_PULSAR_WEB_PORT: new URL(webUrl).port,
    REFRACT_JANUSGRAPH_PORT: new URL(gremlinUrl).port,
    REFRACT_OPENSEARCH_PORT: '',
    REFRACT_TEST_PULSAR_WEB_PORT: '28080', REFRACT_TEST_JANUSGRAPH_PORT: '28182', REFRACT_TEST_OPENSEARCH_PORT: '29200',
    REFRACT_TEST_STACK_GUARD: '',
    GUARD_FIXTURE_PULSAR: '', GUARD_FIXTURE_NAMESPACE: '', GUARD_FIXTURE_GREMLIN: '', GUARD_FIXTURE_DROP: '',
    ...write,
  });

  describe('when no test writes to them', () => {
    it('passes, having read both', async () => {
      const { code, output } = await nestedRun();
      expect(output).toContain(`guard: pulsar at ${webUrl}`);
      expect(output).toContain(`guard: janusgraph at ${gremlinUrl}`);
      expect(code, output).toBe(0);
    });
  });

  describe('when a test creates a namespace in the user\'s Pulsar', () => {
    it('fails the run, naming what changed, although every test passed', async () => {
      const { code, output } = await nestedRun({ GUARD_FIXTURE_PULSAR: webUrl, GUARD_FIXTURE_NAMESPACE: `public/${namespace}` });
      expect(output).toContain('GUARD.USER_DATA_CHANGED');
      expect(output).toContain(`namespace public/${namespace}: appeared`);
      expect(output).toMatch(/1 passed/);
      expect(code).not.toBe(0);
    });
  });

  describe('when a test removes a vertex from the user\'s graph (as purging a tombstone does)', () => {
    it('fails the run, naming the graph', async () => {
      const { g, close } = gremlinClient(gremlinUrl);
      try {
        await g.addV('guard_probe').property('guard_probe_run', `purge-${run}`).property('deleted', true).iterate();
        const { code, output } = await nestedRun({ GUARD_FIXTURE_GREMLIN: gremlinUrl, GUARD_FIXTURE_DROP: `purge-${run}` });
        expect(output).toContain('GUARD.USER_DATA_CHANGED');
        expect(output).toMatch(new RegExp(`janusgraph at ${gremlinUrl}: (vertices: \\d+ → \\d+|vertex \\S+: disappeared)`));
        expect(code).not.toBe(0);
      } finally {
        await g.V().has('guard_probe_run', `purge-${run}`).drop().iterate();
        await close();
      }
    });
  });
});

const CONFIG = fileURLToPath(new URL('./guard-fixture/vitest.config.ts', import.meta.url));

function vitest(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', CONFIG], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)), env: { ...process.env, ...env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
