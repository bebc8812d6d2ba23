import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RefractError } from '../../domain/index.ts';
import type { InFlightJournal } from '../../ports/index.ts';
import { emptyJournalState, recoverAfterCrash, type JournalState } from '../memory/memory-inflight-journal.ts';

/** Suspects kept at most; older ones are forgotten first (they no longer come back anyway). */
const MAX_SUSPECTS = 10_000;

/**
 * The in-flight journal as a small JSON file per leg (docs/adr/0012). Each change is
 * written to a temporary file and renamed over the old one, so a reader never sees half a
 * file. It guards against the *process* dying: the page cache outlives a killed process, so
 * no fsync is paid per batch; a machine that loses power may forget one batch's record,
 * which only delays isolating a poison message by one crash.
 */
export function createFileInFlightJournal(path: string): InFlightJournal {
  mkdirSync(dirname(path), { recursive: true });
  let state = recoverAfterCrash(read(path));
  const save = () => {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, path);
  };
  save();
  return {
    crashes: (id) => state.crashes[id] ?? 0,
    begin(ids) {
      state = { ...state, inFlight: [...ids] };
      save();
      return Promise.resolve();
    },
    end(ids) {
      const ended = new Set(ids);
      const kept = Object.entries(state.crashes).filter(([id]) => !ended.has(id)).slice(-MAX_SUSPECTS);
      state = { inFlight: state.inFlight.filter((id) => !ended.has(id)), crashes: Object.fromEntries(kept) };
      save();
      return Promise.resolve();
    },
  };
}

function read(path: string): JournalState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyJournalState();
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<JournalState>;
    if (Array.isArray(parsed.inFlight) && parsed.crashes && typeof parsed.crashes === 'object') {
      return { inFlight: parsed.inFlight.map(String), crashes: parsed.crashes };
    }
  } catch {
    // fall through: an unreadable journal is reported, never silently dropped
  }
  throw new RefractError('CONFIG.INVALID', `the in-flight journal ${path} is not a journal Refract wrote; move it away to start afresh`, { field: 'stateDir', value: path });
}
