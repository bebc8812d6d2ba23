/**
 * Refract's public API: what an application imports (`import { defineApp } from 'refract'`).
 * Everything else under src/ is internal and may change without notice.
 */
export { defineApp, storedVertexId, type App, type AppDefinition, type DeclaredIndex, type EntityDefinition } from './projections/app.ts';
export { defineProjection, type GraphOutput, type LegProjection, type ProjectionDefinition, type Target, type TargetCommands, type VectorOutput } from './projections/projection.ts';
export { bankingApp } from './projections/banking/banking.app.ts';
export {
  entityRefSchema, isRefractError, RefractError,
  type EntityEvent, type EntityRef, type ErrorCode, type GraphCommand, type OwnedEdge, type PayloadCatalog,
  type PropertyValue, type VectorCommand,
} from './domain/index.ts';
export type * from './ports/index.ts';
export { graphLeg, runLeg, vectorLeg, DEFAULT_RETRY, DEFAULT_RUNNER_OPTIONS, type Leg, type LegStats, type RunnerDeps, type RunnerOptions } from './runtime/index.ts';
