import type { ProjectionDefinition, Target } from './projection.ts';
import { graphProjection } from './graph/graph.projection.ts';
import { vectorProjection } from './vector/vector.projection.ts';

/** Every projection Refract runs. Adding one is one file and one line here. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [graphProjection, vectorProjection];

export const projectionsFor = <T extends Target>(
  target: T,
  all: readonly ProjectionDefinition[] = PROJECTIONS,
): ProjectionDefinition<T>[] => all.filter((p): p is ProjectionDefinition<T> => p.target === target);
