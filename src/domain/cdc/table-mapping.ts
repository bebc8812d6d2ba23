/**
 * How one table's rows become one entity type's events (docs/adr/0021): declared data, so the
 * translation stays a pure function and a README can show it.
 *
 * ```ts
 * { table: 'public.persons', entityType: 'person', key: 'id',
 *   fields: { full_name: 'name', city: 'city', date_of_birth: { column: 'born', as: 'date' },
 *             employer: { column: 'employer_id', ref: 'company' } },
 *   text: '{full_name}, {occupation} in {city}' }
 * ```
 */
export interface TableMapping {
  /** `<schema>.<table>`, as Debezium's `source.schema` and `source.table` name it. */
  readonly table: string;
  readonly entityType: string;
  /** The column whose value is the `entity_id`. */
  readonly key: string;
  /** Payload field → the column it comes from; columns not named here are ignored. */
  readonly fields: Readonly<Record<string, FieldMapping>>;
  /** `text_for_embedding`: `{field}` is replaced by the payload field's value; absent when empty. */
  readonly text?: string;
}

/** A column, as is; or a column converted; or a column holding another entity's id (a reference). */
export type FieldMapping =
  | string
  | { readonly column: string; readonly as: ColumnConversion }
  | { readonly column: string; readonly ref: string };

/**
 * Conversions of Debezium's JSON values (schemas disabled):
 * - `date`: an ISO date, or a `DATE` column's days since 1970-01-01;
 * - `datetime`: an ISO date-time (a `TIMESTAMPTZ`), or microseconds since the epoch (a `TIMESTAMP`);
 * - `number`: a number, or a decimal as text (`decimal.handling.mode=string`);
 * - `string`: any scalar as text.
 */
export type ColumnConversion = 'date' | 'datetime' | 'number' | 'string';
