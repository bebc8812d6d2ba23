import { describe, expect, it } from 'vitest';
import { createMemoryBuildRecords } from '../../src/adapters/memory/memory-build-records.ts';
import { createMemoryLogger } from '../../src/adapters/memory/memory-logger.ts';
import { graphProjection } from '../../src/projections/banking/banking-graph.projection.ts';
import { vectorProjection } from '../../src/projections/banking/banking-vectors.projection.ts';
import { buildStates, currentBuilds, projectionFingerprint } from '../../src/projections/fingerprint.ts';
import type { ProjectionDefinition } from '../../src/projections/projection.ts';
import { noteBuilds } from '../../src/runtime/index.ts';
import { bankingApp } from '../../src/projections/banking/banking.app.ts';

type GraphProject = NonNullable<ProjectionDefinition['graph']>['project'];

const graphOnly = (over: Partial<ProjectionDefinition> & { project?: GraphProject } = {}) => {
  const { project, ...rest } = over;
  return { ...graphProjection, ...rest, graph: { ...graphProjection.graph!, ...(project ? { project } : {}) } };
};

describe('projection fingerprints (docs/adr/0018)', () => {
  it('are stable for the same definition and differ per leg', () => {
    expect(projectionFingerprint(graphProjection, 'graph')).toBe(projectionFingerprint({ ...graphProjection }, 'graph'));
    expect(projectionFingerprint(vectorProjection, 'vector')).not.toBe(projectionFingerprint(graphProjection, 'graph'));
  });

  it('change with the version, the declared outputs, the handled types and the text of project', () => {
    const base = projectionFingerprint(graphProjection, 'graph');
    expect(projectionFingerprint(graphOnly({ version: graphProjection.version + 1 }), 'graph')).not.toBe(base);
    expect(projectionFingerprint({ ...graphProjection, handles: ['person'] }, 'graph')).not.toBe(base);
    expect(projectionFingerprint({ ...graphProjection, graph: { ...graphProjection.graph!, edges: ['OWNED_BY'] } }, 'graph')).not.toBe(base);
    expect(projectionFingerprint(graphOnly({ project: () => [] }), 'graph')).not.toBe(base);
  });

  it('ignore whitespace in the source and the order of declarations', () => {
    const a = graphOnly({ project: (e) => [{ kind: 'tombstone_vertex', label: 'person', id: e.entity_id, version: e.version, deletedAt: 0 }] });
    const b = graphOnly({
      project: (e) =>
        [{ kind: 'tombstone_vertex', label: 'person', id: e.entity_id, version: e.version, deletedAt: 0 }],
    });
    expect(projectionFingerprint(a, 'graph')).toBe(projectionFingerprint(b, 'graph'));
    const vertices = [...graphProjection.graph!.vertices].reverse();
    const reordered = { ...graphProjection, graph: { ...graphProjection.graph!, vertices } };
    expect(projectionFingerprint(reordered, 'graph')).toBe(projectionFingerprint(graphProjection, 'graph'));
  });

  it('tell each side never built, current or needing a rebuild', () => {
    const now = currentBuilds(bankingApp.projections);
    expect(now.map((b) => `${b.leg}/${b.projection}`)).toEqual(['graph/banking-graph', 'vector/banking-vectors']);
    const graphBuild = now[0]!;
    const states = buildStates(bankingApp.projections, [{ ...graphBuild, version: 0 }]);
    expect(states.map((s) => s.state)).toEqual(['needs rebuild', 'never built']);
    expect(buildStates(bankingApp.projections, now).map((s) => s.state)).toEqual(['current', 'current']);
    expect(buildStates(bankingApp.projections, [{ ...graphBuild, fingerprint: 'other' }])[0]?.state).toBe('needs rebuild');
  });

  it('are recorded by a runner for sides never built, and a changed side is reported, not recorded', async () => {
    const records = createMemoryBuildRecords();
    const logger = createMemoryLogger();
    expect(await noteBuilds(bankingApp, records, logger)).toEqual({ needRebuild: [] });
    expect(await records.read()).toHaveLength(2);
    const bumped = { ...bankingApp, projections: [graphOnly({ version: graphProjection.version + 1 }), vectorProjection] };
    expect(await noteBuilds(bumped, records, logger)).toEqual({ needRebuild: ['graph/banking-graph'] });
    expect((await records.read()).find((r) => r.leg === 'graph')?.version).toBe(graphProjection.version);
  });
});
