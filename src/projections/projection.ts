import type { EntityEvent, GraphCommand, VectorCommand } from '../domain/index.ts';

/** The command type each kind of target store accepts. */
export interface TargetCommands {
  graph: GraphCommand;
  vector: VectorCommand;
}
export type Target = keyof TargetCommands;

/**
 * A projection: a pure, total function from a recorded event to commands for one target.
 * It never throws on a recorded event and returns [] for types it does not handle.
 * Bumping `version` means "rebuild me".
 */
export interface ProjectionDefinition<T extends Target = Target> {
  readonly name: string;
  readonly version: number;
  readonly target: T;
  readonly handles: readonly string[];
  project(event: EntityEvent): TargetCommands[T][];
}

/** Helper that keeps the literal target type, so `project` is checked against it. */
export const defineProjection = <T extends Target>(definition: ProjectionDefinition<T>): ProjectionDefinition<T> =>
  definition;
