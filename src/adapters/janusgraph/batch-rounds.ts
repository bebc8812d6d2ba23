import type { GraphCommand } from '../../domain/index.ts';

export interface Positioned {
  readonly position: number;
  readonly command: GraphCommand;
}

/**
 * Cuts a batch into rounds in which each vertex id appears at most once, keeping each id's
 * commands in batch order. One traversal per round then guards every command against the
 * state the previous round left, so a batch holding v1, v2, v3 of one vertex counts three
 * applied writes, exactly as applying them one by one would. The graph sink already keeps
 * only the newest command per id, so its batches are a single round.
 */
export function intoRounds<P extends Positioned>(commands: readonly P[]): P[][] {
  const rounds: P[][] = [];
  const seen = new Map<string, number>();
  for (const item of commands) {
    const round = seen.get(item.command.id) ?? 0;
    seen.set(item.command.id, round + 1);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}

/**
 * Consecutive slices of at most `size` items and, when `weigh` is given, at most `maxWeight`
 * in total: a request over Gremlin Server's content limit would close the connection, which
 * looks transient and would be retried for ever. An item heavier than `maxWeight` goes alone.
 */
export function chunkedByWeight<T>(items: readonly T[], size: number, maxWeight: number, weigh: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = weigh(item);
    if (current.length && (current.length >= size || weight + w > maxWeight)) {
      out.push(current);
      current = [];
      weight = 0;
    }
    current.push(item);
    weight += w;
  }
  if (current.length) out.push(current);
  return out;
}

/** Consecutive slices of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
