import { RefractError } from './errors.ts';
import { CURRENT_SCHEMA_VERSION } from './entity-event.ts';

type Raw = Record<string, unknown>;

/**
 * The one place where older envelopes become current ones. Each entry lifts version n to
 * n + 1. Version 1 is the first published contract, so the table is still empty; a future
 * schema change adds its step here and nowhere else.
 */
const STEPS: Readonly<Record<number, (raw: Raw) => Raw>> = {};

export function upcast(raw: Raw): Raw {
  const declared = raw['schema_version'];
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw new RefractError('EVENT.INVALID', `schema_version: expected a positive integer (got ${JSON.stringify(declared)})`, {
      field: 'schema_version',
      value: declared === undefined ? '(missing)' : declared,
    });
  }
  let version = declared;
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new RefractError(
      'EVENT.UNSUPPORTED_SCHEMA_VERSION',
      `schema_version ${version} is newer than this reader understands (${CURRENT_SCHEMA_VERSION})`,
      { field: 'schema_version', value: version },
    );
  }
  let current = raw;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = STEPS[version];
    if (!step) {
      throw new RefractError('EVENT.UNSUPPORTED_SCHEMA_VERSION', `no upcaster from schema_version ${version}`, {
        field: 'schema_version',
        value: version,
      });
    }
    current = step(current);
    version += 1;
  }
  return { ...current, schema_version: CURRENT_SCHEMA_VERSION };
}
