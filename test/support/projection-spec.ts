import { expect } from 'vitest';
import type { EntityEvent } from '../../src/domain/index.ts';
import type { LegProjection, Target, TargetCommands } from '../../src/projections/projection.ts';

/**
 * Given/when/then for projections: given earlier events (ignored by a pure projection, but
 * they document the scenario), when one event is projected, then exactly these commands.
 *
 *   projectionSpec(graphProjection.graph!).given([create]).when(update).then([...commands])
 */
export function projectionSpec<T extends Target>(projection: Pick<LegProjection<T>, 'project'>) {
  return {
    given: (history: readonly EntityEvent[]) => ({
      when: (event: EntityEvent) => {
        const produced = [...history, event].map((e) => projection.project(e)).at(-1) ?? [];
        return {
          then: (expected: readonly TargetCommands[T][]) => expect(produced).toEqual(expected),
          thenNothing: () => expect(produced).toEqual([]),
        };
      },
    }),
  };
}

/** A valid event with sensible defaults; override what the scenario is about. */
export function anEvent(overrides: Partial<EntityEvent> & Pick<EntityEvent, 'entity_type' | 'entity_id'>): EntityEvent {
  return {
    event_id: '6f1c2a7e-3b5d-4c8e-9f0a-1b2c3d4e5f60',
    event_type: 'create',
    version: 1,
    occurred_at: '2026-01-01T00:00:00.000Z',
    payload: {},
    source: 'spec',
    schema_version: 1,
    ...overrides,
  };
}
