import { z } from 'zod';
import { entityIdSchema } from './entity-id.ts';

/** The schema version this code writes and reads natively; older ones are upcast. */
export const CURRENT_SCHEMA_VERSION = 1;

export const EVENT_TYPES = ['create', 'update', 'delete'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The envelope every producer publishes (docs/adr/0002). `payload` is the entity's full
 * state after the change, so the newest version alone determines every read model.
 */
export const entityEventSchema = z.strictObject({
  event_id: z.uuid(),
  event_type: z.enum(EVENT_TYPES),
  entity_type: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case'),
  entity_id: entityIdSchema,
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  occurred_at: z.iso.datetime({ offset: true }),
  payload: z.record(z.string(), z.unknown()),
  text_for_embedding: z.string().min(1).max(16_384).optional(),
  source: z.string().min(1).max(128),
  schema_version: z.number().int().positive(),
});

export type EntityEvent = z.infer<typeof entityEventSchema>;
