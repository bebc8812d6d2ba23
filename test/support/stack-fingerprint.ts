/**
 * What a server holds, summed up in a few readable facts (`topic persistent://a/b/c storage
 * bytes` → `1234`), so two readings taken before and after a test run can be compared
 * without copying the data. Facts are strings so counts, ids and hashes compare alike.
 */
export interface Fingerprint {
  /** The server read, e.g. `pulsar at http://127.0.0.1:8080`. */
  readonly target: string;
  readonly facts: Readonly<Record<string, string>>;
}

/** One line per fact that appeared, disappeared or changed between two readings; empty when equal. */
export function compareFingerprints(before: Fingerprint, after: Fingerprint): string[] {
  const changes: string[] = [];
  const keys = [...new Set([...Object.keys(before.facts), ...Object.keys(after.facts)])].sort();
  for (const key of keys) {
    const was = before.facts[key];
    const is = after.facts[key];
    if (was === is) continue;
    if (was === undefined) changes.push(`${before.target}: ${key}: appeared (${is ?? ''})`);
    else if (is === undefined) changes.push(`${before.target}: ${key}: disappeared (was ${was})`);
    else changes.push(`${before.target}: ${key}: ${was} → ${is}`);
  }
  return changes;
}

/** Reads a fact-returning JSON document with a time limit; a guard that hangs protects nothing. */
export async function getJson(url: string, timeoutMs = 15_000): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
