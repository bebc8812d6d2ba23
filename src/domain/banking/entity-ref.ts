import { z } from 'zod';
import { entityIdSchema } from '../entity-id.ts';

/** A reference to another entity; carrying its type lets a placeholder get the right label. */
export const entityRefSchema = <T extends string>(types: readonly [T, ...T[]]) =>
  z.strictObject({ entity_type: z.enum(types), entity_id: entityIdSchema });

export interface EntityRef {
  readonly entity_type: string;
  readonly entity_id: string;
}
