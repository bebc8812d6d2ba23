import type { DeadLetter, DeadLetters } from '../../ports/index.ts';

/** Dead letters kept in process, per leg. */
export function createMemoryDeadLetters(): DeadLetters & { all(): readonly DeadLetter[] } {
  const letters: DeadLetter[] = [];
  return {
    send(batch) {
      letters.push(...batch);
      return Promise.resolve();
    },
    list: (leg, limit) => Promise.resolve(letters.filter((l) => l.leg === leg).slice(0, limit)),
    depth: (leg) => Promise.resolve(letters.filter((l) => l.leg === leg).length),
    all: () => letters,
  };
}
