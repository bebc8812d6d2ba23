import { createHash } from 'node:crypto';
import type { ProjectionBuild } from '../domain/index.ts';
import type { ProjectionDefinition, Target } from './projection.ts';

/**
 * One side of a projection as a short hash: its name, version, the entity types it reads, what
 * it declares it writes (vertex and edge labels, or indices and their fields) and the text of
 * its `project` function. A changed hash means the read model may no longer be what the
 * projection would write: "needs rebuild". The text covers the function itself, not helpers it
 * calls; a change there is what `version` is for.
 */
export function projectionFingerprint(projection: ProjectionDefinition, leg: Target): string {
  const output = leg === 'graph' ? projection.graph : projection.vector;
  const declared = leg === 'graph'
    ? { vertices: [...(projection.graph?.vertices ?? [])].sort(), edges: [...(projection.graph?.edges ?? [])].sort() }
    : Object.fromEntries(Object.entries(projection.vector?.indices ?? {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([name, { fields }]) => [name, [...fields].sort()]));
  const material = JSON.stringify({
    name: projection.name, version: projection.version, handles: [...projection.handles].sort(), declared,
    project: output ? normalise(output.project.toString()) : null,
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

/** Whitespace does not change what a function does. */
const normalise = (source: string) => source.replace(/\s+/g, ' ').trim();

/** Every side of every projection of an app, as it is now. */
export function currentBuilds(projections: readonly ProjectionDefinition[]): ProjectionBuild[] {
  return projections.flatMap((p) => (['graph', 'vector'] as const)
    .filter((leg) => (leg === 'graph' ? p.graph : p.vector) !== undefined)
    .map((leg) => ({ projection: p.name, leg, version: p.version, fingerprint: projectionFingerprint(p, leg) })));
}

export type BuildState = 'current' | 'needs rebuild' | 'never built';

/** How each side stands against what its read model records. */
export function buildStates(
  projections: readonly ProjectionDefinition[],
  recorded: readonly ProjectionBuild[],
): (ProjectionBuild & { readonly state: BuildState; readonly recorded?: ProjectionBuild })[] {
  const byKey = new Map(recorded.map((r) => [`${r.leg}/${r.projection}`, r]));
  return currentBuilds(projections).map((now) => {
    const before = byKey.get(`${now.leg}/${now.projection}`);
    if (!before) return { ...now, state: 'never built' };
    const state = before.version === now.version && before.fingerprint === now.fingerprint ? 'current' : 'needs rebuild';
    return { ...now, state, recorded: before };
  });
}
