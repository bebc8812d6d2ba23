import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createJanusGraphStore } from '../../../src/adapters/janusgraph/janusgraph-graph-store.ts';
import { createOpenSearchVectorStore } from '../../../src/adapters/opensearch/opensearch-vector-store.ts';
import { createPulsarDeadLetters } from '../../../src/adapters/pulsar/pulsar-dead-letters.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { encodeEvent } from '../../../src/domain/index.ts';
import { REDRIVE_LEG, REDRIVES } from '../../../src/runtime/redrive.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { startRunner } from '../../support/runner-process.ts';
import { shelfApp, shelfEvent } from '../../support/shelf-apps.ts';
import { testRun } from '../../support/test-run.ts';

/**
 * Dead letters made actionable on the real servers, through the commands an operator types:
 * a runner of the shelf app's first release dead-letters audiobooks (a type its catalogue does
 * not know yet); `refract dead-letters stats / list / show` say why; after the second release
 * (which knows audiobooks) is deployed, `refract dead-letters redrive` sends them back and they
 * land in JanusGraph and OpenSearch. One audiobook is invalid in both releases: it comes back
 * to the dead letters with its new reason and one re-drive counted.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const { nonce, prefix, where, gremlinUrl, opensearchUrl, workDir, logFile, env } = testRun('shelf');
const runnerEnv = (release: 1 | 2) => ({ ...env, REFRACT_APP: `test/support/shelf-v${release}.app.ts` });

/** `refract dead-letters …` as an operator runs it: stdout, stderr and exit code. */
function refract(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/adapters/cli/main.ts', 'dead-letters', ...args],
      { cwd: REPO, env: { ...process.env, ...env }, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

afterAll(async () => {
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix, indices: ['shelf_titles'] });
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('refract dead-letters on the real servers', () => {
  it('re-drives letters dead-lettered for an unknown entity type once the catalogue knows it, and they land in both stores', async () => {
    const id = (name: string) => `${prefix}${name}`;
    const books = [1, 2].map((n) => shelfEvent('book', id(`b-${n}`), { title: `Book ${n}`, author: 'Someone' }));
    const audiobooks = [1, 2, 3].map((n) => shelfEvent('audiobook', id(`a-${n}`), { title: `Audiobook ${n}`, narrator: 'A Voice' }));
    const broken = shelfEvent('audiobook', id('a-bad'), { title: 'No narrator' });
    await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, topics: shelfApp(true).topics });
    const log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `shelf-${nonce}` });
    try {
      const sent = [...books, ...audiobooks, broken].map((e) => ({
        topic: 'books', key: e.entity_id, payload: encodeEvent(e), properties: { event_id: e.event_id },
      }));
      expect((await log.publish(sent)).failed).toEqual([]);
    } finally {
      await log.close();
    }

    const first = startRunner(runnerEnv(1), logFile, true);
    expect(await first.exited, readFileSync(logFile, 'utf8').slice(-3000)).toEqual({ code: 0, signal: null });

    // Why did letters fail?
    const stats = await refract('stats', 'graph');
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^4 dead letter\(s\) for the graph leg$/m);
    expect(stats.stdout).toMatch(/^\s+4 {2}EVENT\.UNKNOWN_ENTITY_TYPE {2}e\.g\. entity_type "audiobook" is not known/m);
    expect(stats.stdout).toMatch(/^\s+4 {2}books$/m);
    const listed = await refract('list', 'graph');
    const ids = [...listed.stdout.matchAll(/^- (\S+) {2}\[EVENT\.UNKNOWN_ENTITY_TYPE\]/gm)].map((m) => m[1] ?? '');
    expect(ids, listed.stdout).toHaveLength(4);
    expect(ids[0]).toMatch(/^\d+:\d+:-1(:\d+)?$/);
    const shown = await refract('show', 'graph', ids[0] ?? '');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^source topic {3}books$/m);
    expect(shown.stdout).toMatch(/^re-drives {6}0$/m);
    expect(shown.stdout).toContain('"entity_type":"audiobook"');
    const missing = await refract('show', 'graph', '999:999:-1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no dead letter "999:999:-1" in the graph leg's backlog \(4 letters/);
    const badLeg = await refract('stats', 'graf');
    expect(badLeg.stderr).toMatch(/unknown leg "graf": one of graph, vector/);

    // Nothing changes in a dry run.
    const dry = await refract('redrive', 'graph', '--dry-run');
    expect(dry.stdout).toMatch(/^would re-drive 4 letter\(s\) of the graph leg; 0 refused, 0 failed/m);
    const deadLetters = createPulsarDeadLetters({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });
    expect(await deadLetters.depth('graph')).toBe(4);

    // The second release knows audiobooks: deploy it, then re-drive each leg's letters (each copy is for its own leg).
    for (const leg of ['graph', 'vector']) {
      const redriven = await refract('redrive', leg, '--code', 'EVENT.UNKNOWN_ENTITY_TYPE');
      expect(redriven.code, redriven.stderr).toBe(0);
      expect(redriven.stdout).toMatch(new RegExp(`^re-drove 4 letter\\(s\\) of the ${leg} leg; 0 refused, 0 failed`, 'm'));
      expect(redriven.stderr).toMatch(/round 1: 4 matched, 4 re-driven/);
    }
    const second = startRunner(runnerEnv(2), logFile, true);
    expect(await second.exited, readFileSync(logFile, 'utf8').slice(-3000)).toEqual({ code: 0, signal: null });

    const janus = createJanusGraphStore({ url: gremlinUrl });
    const opensearch = createOpenSearchVectorStore({ node: opensearchUrl, dimension: 384 });
    try {
      const vertices = await janus.get([...books, ...audiobooks, broken].map((e) => e.entity_id));
      expect([...vertices.keys()].sort()).toEqual([...books, ...audiobooks].map((e) => e.entity_id).sort());
      for (const a of audiobooks) expect(vertices.get(a.entity_id)).toMatchObject({ label: 'audiobook', version: 1, deleted: false });
      const documents = await opensearch.get('shelf_titles', audiobooks.map((e) => e.entity_id));
      expect([...documents.keys()].sort()).toEqual(audiobooks.map((e) => e.entity_id).sort());
    } finally {
      await Promise.all([janus.close(), opensearch.close()]);
    }

    // The invalid one came back with its new reason and the count, once per leg (not multiplied); the others are gone.
    for (const leg of ['graph', 'vector'] as const) {
      const back = await deadLetters.list(leg, 10);
      expect(back.map((l) => [l.key, l.code])).toEqual([[broken.entity_id, 'EVENT.INVALID']]);
      expect(back[0]?.reason).toMatch(/narrator/);
      expect(back[0]?.properties).toMatchObject({ event_id: broken.event_id, [REDRIVES]: '1', [REDRIVE_LEG]: leg });
    }
  }, 300_000);
});
