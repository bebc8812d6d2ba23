import { describe, expect, it } from 'vitest';
import { createMemoryBuildRecords } from '../../src/adapters/memory/memory-build-records.ts';
import { createMemoryDeadLetters } from '../../src/adapters/memory/memory-dead-letters.ts';
import type { MemoryVectorStore } from '../../src/adapters/memory/memory-vector-store.ts';
import { createMemoryInFlightJournal, emptyJournalState } from '../../src/adapters/memory/memory-inflight-journal.ts';
import { generateAppEvents } from '../../src/adapters/synthetic/schema-arbitrary.ts';
import { decodeEvent, type EntityEvent } from '../../src/domain/index.ts';
import { defineApp, type App } from '../../src/projections/app.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';
import { graphProjection as bankingGraphProjection } from '../../src/projections/banking/banking-graph.projection.ts';
import { vectorProjection as bankingVectorsProjection } from '../../src/projections/banking/banking-vectors.projection.ts';
import { buildStates } from '../../src/projections/fingerprint.ts';
import { rebuild, type RebuildDeps, type RebuildProgress, type Verdict } from '../../src/runtime/index.ts';
import { countingEmbedder } from '../support/counting-embedder.ts';
import { embeddedParts, publishEvents, runBothLegs, startBothLegs, type Parts } from '../support/embedded-pipeline.ts';
import { graphSnapshot, vectorSnapshot } from '../support/snapshots.ts';

const INDICES = ['person', 'company'];

function bankingEvents(seed: number, entities = 60): EntityEvent[] {
  return generateAppEvents(bankingApp, { seed, entities, updatesPerEntity: 2, deleteShare: 0.1 })
    .map((m) => decodeEvent(m.payload, bankingApp.catalog));
}

type Deps = RebuildDeps & { records: ReturnType<typeof createMemoryBuildRecords> };

function rebuildDeps(parts: Parts, app: App, verify: RebuildDeps['verify']): Deps {
  const records = createMemoryBuildRecords();
  return {
    app, log: parts.log, buildRecords: records, records, deadLetters: createMemoryDeadLetters(), metrics: parts.metrics,
    clock: parts.clock, logger: parts.logger, journal: createMemoryInFlightJournal({ state: emptyJournalState() }),
    graph: parts.graph, verify,
    vectors: { live: parts.vectors, generations: (parts.vectors as MemoryVectorStore).generations, embedder: parts.embedder },
  };
}

const EQUAL: Verdict = { equal: true, summary: 'equal' };

describe('rebuild (embedded adapters)', () => {
  it('fills a new vector generation equal to the live one, with no model call for unchanged texts, and switches to it', async () => {
    const embedder = countingEmbedder(embeddedParts().embedder);
    const parts = embeddedParts({}, { embedder });
    await publishEvents(parts.log, bankingEvents(1));
    await runBothLegs(parts);
    const before = await vectorSnapshot(parts.vectors, INDICES);
    const callsBefore = embedder.calls;
    const verified: string[][] = [];
    const progress: RebuildProgress[] = [];

    const deps = rebuildDeps(parts, bankingApp, (stores, names) => {
      verified.push([...names]);
      expect(stores.vectors).toBeDefined();
      return Promise.resolve(EQUAL);
    });
    const result = await rebuild(deps, { leg: 'vector', subscription: 'rebuild-1', pollMs: 5, onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ switched: true, projections: ['banking-vectors'] });
    expect(result.generations.map((g) => [g.live, g.next])).toEqual([['person-v1', 'person-v2'], ['company-v1', 'company-v2']]);
    expect(embedder.calls).toBe(callsBefore);
    expect(result.stats.embeddingsReused).toBeGreaterThan(0);
    expect(verified).toEqual([['banking-vectors']]);
    // Reads through the store now see the new generation, equal to the old one.
    expect(await vectorSnapshot(parts.vectors, INDICES)).toEqual(before);
    const generations = (parts.vectors as MemoryVectorStore).generations;
    await expect(generations.drop(['person-v2'])).rejects.toThrow(/still live/);
    await generations.drop(['person-v1', 'company-v1']); // no longer read
    expect(await vectorSnapshot(parts.vectors, INDICES)).toEqual(before);
    expect(progress.map((p) => p.phase)).toContain('replaying');
    expect(progress.at(-1)?.phase).toBe('done');
    const states = buildStates(bankingApp.projections, await deps.records.read());
    expect(states.find((s) => s.leg === 'vector')?.state).toBe('current');
    expect(states.find((s) => s.leg === 'graph')?.state).toBe('never built');
  });

  it('does not switch, and records nothing, when the new generation is not verified equal to the log', async () => {
    const parts = embeddedParts();
    await publishEvents(parts.log, bankingEvents(2));
    await runBothLegs(parts);
    // Change the live generation behind the rebuild's back: a switch would become visible here.
    const deps = rebuildDeps(parts, bankingApp, () => Promise.resolve({ equal: false, summary: '3 missing' }));
    const result = await rebuild(deps, { leg: 'vector', subscription: 'rebuild-2', pollMs: 5, verifyAttempts: 2 });
    expect(result).toMatchObject({ switched: false, verdict: { equal: false, summary: '3 missing' }, recorded: [] });
    expect(await deps.records.read()).toEqual([]);
    const generations = (parts.vectors as MemoryVectorStore).generations;
    await expect(generations.drop(['person-v1'])).rejects.toThrow(/still live/);
    await generations.drop(['person-v2']); // the unverified generation is nobody's
  });

  it('rewrites the graph under a changed mapping at the same versions, while the live legs keep applying new events', async () => {
    const parts = embeddedParts();
    const first = bankingEvents(3);
    await publishEvents(parts.log, first);
    await runBothLegs(parts);

    // Version 2 of the graph projection stamps every vertex with where it came from.
    const stamped = {
      ...bankingGraphProjection, version: bankingGraphProjection.version + 1,
      graph: {
        ...bankingGraphProjection.graph!,
        project: (event: EntityEvent) => bankingGraphProjection.graph!.project(event)
          .map((c) => (c.kind === 'upsert_vertex' ? { ...c, properties: { ...c.properties, stamped: true } } : c)),
      },
    };
    const app2 = defineApp({ name: 'banking', entities: entitiesOf(bankingApp), projections: [stamped, bankingVectorsProjection] });
    const live = await startBothLegs(parts, { stopWhenDrained: false }, app2);
    const more = generateAppEvents(bankingApp, { seed: 4, entities: 30, updatesPerEntity: 1, idPrefix: 'more-' })
      .map((m) => decodeEvent(m.payload, bankingApp.catalog));
    const publishing = publishEvents(parts.log, more);

    const deps = rebuildDeps(parts, app2, () => Promise.resolve(EQUAL));
    const result = await rebuild(deps, { leg: 'graph', subscription: 'rebuild-3', pollMs: 5 });
    await publishing;
    expect(result.switched).toBe(true);
    const graph = await graphSnapshot(parts.graph);
    const liveVertices = [...graph.values()].filter((v) => !v.deleted && v.version > 0);
    expect(liveVertices.length).toBeGreaterThan(0);
    expect(liveVertices.filter((v) => v.properties['stamped'] !== true)).toEqual([]);
    expect(buildStates(app2.projections, await deps.records.read()).find((s) => s.leg === 'graph')?.state).toBe('current');
    expect(live.subscriptions.graph).toBeDefined(); // the live legs are left running to the test's end
  });

  it('refuses a projection the app does not have, naming it', async () => {
    const parts = embeddedParts();
    const deps = rebuildDeps(parts, bankingApp, () => Promise.resolve(EQUAL));
    await expect(rebuild(deps, { leg: 'graph', projections: ['nope'], subscription: 'r' })).rejects.toThrow(/projection "nope" is not part of app banking/);
    await expect(rebuild(deps, { leg: 'graph', projections: ['banking-vectors'], subscription: 'r' })).rejects.toThrow(/writes nothing to the graph leg/);
  });
});

function entitiesOf(app: App) {
  return Object.fromEntries(app.entityTypes.map((type) => [type, { schema: app.catalog[type]!, topic: app.topicFor(type) }]));
}
