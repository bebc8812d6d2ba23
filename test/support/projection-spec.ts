import { expect } from 'vitest';
import type { EntityEvent } from '../../src/domain/index.ts';
import type { LegProjection, Target, TargetCommands } from '../../src/projections/projection.ts';

/**
 * Given/when/then for projections: given earlier events, when one event is projected, then
 * exactly these commands. A projection is pure, so the history cannot change the answer; what
 * `given` checks is that every event of the history projects without throwing (a projection
 * is total over recorded events), and the scenario reads as the events happened.
 *
 *   projectionSpec(graphProjection.graph!).given([create]).when(update).then([...commands])
 */
export function projectionSpec<T extends Target>(projection: Pick<LegProjection<T>, 'project'>) {
  return {
    given: (history: readonly EntityEvent[]) => {
      for (const event of history) expect(() => projection.project(event), `projecting ${event.entity_type} ${event.entity_id} v${event.version}`).not.toThrow();
      return {
        when: (event: EntityEvent) => {
          const produced = projection.project(event);
          return {
            then: (expected: readonly TargetCommands[T][]) => expect(produced).toEqual(expected),
            thenNothing: () => expect(produced).toEqual([]),
          };
        },
      };
    },
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
