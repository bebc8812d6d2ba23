import type { EntityEvent, GraphCommand, VectorCommand } from '../domain/index.ts';

/** The command type each kind of target store accepts. */
export interface TargetCommands {
  graph: GraphCommand;
  vector: VectorCommand;
}
export type Target = keyof TargetCommands;

/**
 * What a projection writes to the graph, declared, and the pure function that writes it.
 * - `vertices`: the vertex labels it upserts and tombstones. An entity type's label carries
 *   entity ids; any other label is the projection's own, and its ids live in the projection's
 *   namespace (`<id>␟<projection>` in the store, U+001F), so they can never meet an entity's id.
 * - `edges`: the labels of the edges its vertices own.
 */
export interface GraphOutput {
  readonly vertices: readonly string[];
  readonly edges: readonly string[];
  project(event: EntityEvent): GraphCommand[];
}

/** What a projection writes to the vector store: each index with the fields its documents carry. */
export interface VectorOutput {
  readonly indices: Readonly<Record<string, { readonly fields: readonly string[] }>>;
  project(event: EntityEvent): VectorCommand[];
}

/**
 * A projection: pure, total functions from a recorded event to commands for the graph, the
 * vector store or both (docs/adr/0016). Each returns [] for events it does not handle and never
 * throws on a recorded event. Bumping `version` means "rebuild what I write".
 */
export interface ProjectionDefinition {
  readonly name: string;
  readonly version: number;
  /** Entity types whose events it reads. */
  readonly handles: readonly string[];
  readonly graph?: GraphOutput;
  readonly vector?: VectorOutput;
}

/** Keeps the literal types of a definition, so its outputs are checked where they are written. */
export const defineProjection = (definition: ProjectionDefinition): ProjectionDefinition => definition;

/** One target's side of a projection, as a leg runs it: checked against the declarations. */
export interface LegProjection<T extends Target = Target> {
  readonly name: string;
  readonly version: number;
  readonly handles: readonly string[];
  project(event: EntityEvent): TargetCommands[T][];
}
