import type { Receipt } from './receipts.ts';

/**
 * What Key_Shared promises, checked on the receipts of every process of a run in which the
 * process `killed` died by SIGKILL at `killedAt` (epoch ms), one leg's subscription at a time:
 *
 * 1. Each process receives a key's messages in publish order (versions never go down).
 * 2. Across processes too, with one exception: the messages the dead consumer had received
 *    but not acknowledged go again, in order, to the consumer that takes its keys over, and
 *    before any newer message of those keys. So a key's versions, in the order they were
 *    received by anyone, may go down once, after the kill, at a receipt by a survivor; and
 *    every receipt stepped back over is the dead process's (the survivor re-reads its
 *    unacknowledged tail, nothing another survivor had seen).
 *
 * Publish order is version order here: the run publishes each key's events by rising version.
 * Returns one line per violation; none means the promise held.
 */
export function keyOrderViolations(receipts: readonly Receipt[], killed: string, killedAt: number): string[] {
  const violations: string[] = [];
  for (const [where, list] of groupBy(receipts, (r) => `${r.leg} ${r.key}`)) {
    for (const [process, own] of groupBy(list, (r) => r.process)) {
      const ordered = [...own].sort((a, b) => a.seq - b.seq);
      const back = ordered.findIndex((r, i) => i > 0 && r.version < ordered[i - 1]!.version);
      if (back > 0) violations.push(`${where}: ${process} received v${ordered[back - 1]!.version} before v${ordered[back]!.version}`);
    }
    const merged = [...list].sort((a, b) => a.time - b.time || (a.process === b.process ? a.seq - b.seq : 0));
    merged.forEach((r, i) => {
      const newer = merged.slice(0, i).filter((earlier) => earlier.version > r.version);
      if (newer.length === 0) return;
      if (r.process !== killed && r.time >= killedAt && newer.every((earlier) => earlier.process === killed)) return;
      violations.push(`${where}: ${r.process} received v${r.version} after ${newer.map((n) => `${n.process} v${n.version}`).join(', ')}`);
    });
    // The dead consumer's keys go over whole: one survivor re-reads its tail, not several.
    const deadNewest = Math.max(...list.filter((r) => r.process === killed).map((r) => r.version));
    const takers = new Set(list.filter((r) => r.process !== killed && r.time >= killedAt && r.version <= deadNewest).map((r) => r.process));
    if (takers.size > 1) violations.push(`${where}: the dead process's messages went again to ${[...takers].join(' and ')}`);
  }
  return violations;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
