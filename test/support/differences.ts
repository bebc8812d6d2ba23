/** Entities whose state differs from the oracle's, one line each, for a failure message that points somewhere. */
export function differences<T extends { version: number; deleted: boolean }>(
  expected: ReadonlyMap<string, T>, actual: ReadonlyMap<string, T>, limit = 25,
): string[] {
  const lines: string[] = [];
  const state = (v: T | undefined) => (v ? `v${v.version}${v.deleted ? ' (deleted)' : ''}` : 'absent');
  for (const id of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const want = expected.get(id);
    const got = actual.get(id);
    if (canonical(want) === canonical(got)) continue;
    const same = want && got && want.version === got.version && want.deleted === got.deleted;
    lines.push(`${id}: expected ${state(want)}, stored ${state(got)}${same ? ' (same version, other content)' : ''}`);
  }
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}

/** JSON with every object's keys sorted: equal states compare equal whatever order a store lists fields in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);
}
