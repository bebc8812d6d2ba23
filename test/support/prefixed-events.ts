import type { EntityEvent } from '../../src/domain/index.ts';
import { topicFor } from '../../src/domain/index.ts';
import type { OutgoingMessage } from '../../src/ports/index.ts';

/**
 * The event with `prefix` on its id and on every reference's id, so a run's vertices and
 * documents never meet another test's on the shared servers.
 */
export function withPrefix(event: EntityEvent, prefix: string): EntityEvent {
  const payload = Object.fromEntries(Object.entries(event.payload).map(([key, value]) =>
    [key, isReference(value) ? { ...value, entity_id: prefix + value.entity_id } : value]));
  return { ...event, entity_id: prefix + event.entity_id, payload };
}

function isReference(value: unknown): value is { entity_type: string; entity_id: string } {
  return typeof value === 'object' && value !== null && 'entity_id' in value && 'entity_type' in value;
}

/** The event as published: on its type's topic, keyed by its entity id. */
export function messageOf(event: EntityEvent): OutgoingMessage {
  return {
    topic: topicFor(event.entity_type), key: event.entity_id, payload: new TextEncoder().encode(JSON.stringify(event)), properties: {},
  };
}
