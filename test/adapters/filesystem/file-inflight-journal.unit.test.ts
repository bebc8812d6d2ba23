import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createFileInFlightJournal } from '../../../src/adapters/filesystem/file-inflight-journal.ts';

const journalPath = () => join(mkdtempSync(join(tmpdir(), 'refract-journal-')), 'inflight-graph.json');

/** Starts a real process that records `ids` in flight and is then killed with SIGKILL. */
async function dieInFlight(path: string, ids: readonly string[]): Promise<void> {
  const child = promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'die-in-flight.ts'), path, ...ids]);
  await expect(child).rejects.toMatchObject({ signal: 'SIGKILL' });
}

describe('the file in-flight journal', () => {
  describe('when a process dies by SIGKILL with messages in flight', () => {
    it('counts one crash for each of them in the next process, and one more at each crash in a row', async () => {
      const path = journalPath();
      await dieInFlight(path, ['a', 'b']);
      expect(createFileInFlightJournal(path).crashes('a')).toBe(1);
      await dieInFlight(path, ['a']);
      await dieInFlight(path, ['a']);
      const journal = createFileInFlightJournal(path);
      expect([journal.crashes('a'), journal.crashes('b'), journal.crashes('c')]).toEqual([3, 1, 0]);
    }, 60_000);
  });

  describe('when the work on a message ends', () => {
    it('forgets it: neither in flight at the next start nor suspect any more', async () => {
      const path = journalPath();
      await dieInFlight(path, ['a', 'b']);
      const journal = createFileInFlightJournal(path);
      await journal.begin(['a', 'b']);
      await journal.end(['a', 'b']);
      const next = createFileInFlightJournal(path);
      expect([next.crashes('a'), next.crashes('b')]).toEqual([0, 0]);
    }, 60_000);
  });

  describe('when the file is not a journal', () => {
    it('refuses to start, naming the file, instead of forgetting what it held', () => {
      const path = journalPath();
      writeFileSync(path, '{"something": "else"}');
      let refusal: unknown;
      try {
        createFileInFlightJournal(path);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'CONFIG.INVALID' });
      expect((refusal as Error).message).toContain(path);
    });
  });
});
