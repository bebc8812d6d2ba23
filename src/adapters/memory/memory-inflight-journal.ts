import type { InFlightJournal } from '../../ports/index.ts';

/** What a journal keeps between processes: on disk for the file journal, here a plain object. */
export interface JournalState {
  inFlight: string[];
  crashes: Record<string, number>;
}

export const emptyJournalState = (): JournalState => ({ inFlight: [], crashes: {} });

/**
 * Opening a journal is what a new process does: whatever the last one left in flight was
 * there when it died, so each such id counts one more crash. Shared by the memory and the
 * file journal so both read a state the same way.
 */
export function recoverAfterCrash(state: JournalState): JournalState {
  const crashes = { ...state.crashes };
  for (const id of state.inFlight) crashes[id] = (crashes[id] ?? 0) + 1;
  return { inFlight: [], crashes };
}

/**
 * The embedded journal: `disk` plays the part of the file that outlives the process, so a test
 * can "restart" by opening a new journal on the same state.
 */
export function createMemoryInFlightJournal(disk: { state: JournalState } = { state: emptyJournalState() }): InFlightJournal {
  disk.state = recoverAfterCrash(disk.state);
  return {
    crashes: (id) => disk.state.crashes[id] ?? 0,
    begin(ids) {
      disk.state = { ...disk.state, inFlight: [...ids] };
      return Promise.resolve();
    },
    end(ids) {
      const ended = new Set(ids);
      const crashes = Object.fromEntries(Object.entries(disk.state.crashes).filter(([id]) => !ended.has(id)));
      disk.state = { inFlight: disk.state.inFlight.filter((id) => !ended.has(id)), crashes };
      return Promise.resolve();
    },
  };
}
