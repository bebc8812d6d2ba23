import type { z } from 'zod';

/** Payload schema per entity type. Events of a type absent here are permanent errors. */
export type PayloadCatalog = Readonly<Record<string, z.ZodType<Record<string, unknown>>>>;
