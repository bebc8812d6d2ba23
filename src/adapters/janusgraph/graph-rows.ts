/** Readers for the Maps the GraphSON 3 reader yields for `project()` rows. */
export const field = (row: unknown, key: string): unknown => (row instanceof Map ? row.get(key) : undefined);
export const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));
export const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
