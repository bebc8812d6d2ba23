import type { DeadLetters, StoredDeadLetter } from '../../ports/index.ts';

/** Dead letters kept in process, per leg, in the order they came; a session holds its letters until it closes. */
export function createMemoryDeadLetters(): DeadLetters & { all(): readonly StoredDeadLetter[] } {
  const letters: StoredDeadLetter[] = [];
  const held = new Set<string>();
  let next = 0;
  const waiting = (leg: string) => letters.filter((l) => l.leg === leg && !held.has(l.id));
  return {
    send(batch) {
      const at = Date.now();
      letters.push(...batch.map((letter) => ({ ...letter, id: String(++next), deadLetteredAt: at })));
      return Promise.resolve();
    },
    list: (leg, limit) => Promise.resolve(waiting(leg).slice(0, Math.max(0, limit))),
    depth: (leg) => Promise.resolve(letters.filter((l) => l.leg === leg).length),
    open(leg, { limit, wanted = () => true, onScanned }) {
      const taken: StoredDeadLetter[] = [];
      let scanned = 0;
      for (const letter of waiting(leg)) {
        if (taken.length >= limit) break;
        scanned++;
        if (wanted(letter)) taken.push(letter);
      }
      onScanned?.(scanned);
      const mine = new Set(taken.map((l) => l.id));
      for (const id of mine) held.add(id);
      let open = true;
      return Promise.resolve({
        letters: taken,
        scanned,
        remove(ids: readonly string[]) {
          const strangers = ids.filter((id) => !open || !mine.has(id));
          if (strangers.length) return Promise.reject(new Error(`not letters of this open session: ${strangers.join(', ')}`));
          const gone = new Set(ids);
          for (let i = letters.length - 1; i >= 0; i--) if (gone.has(letters[i]?.id ?? '')) letters.splice(i, 1);
          for (const id of gone) { mine.delete(id); held.delete(id); }
          return Promise.resolve();
        },
        close() {
          open = false;
          for (const id of mine) held.delete(id);
          return Promise.resolve();
        },
      });
    },
    all: () => letters,
  };
}
