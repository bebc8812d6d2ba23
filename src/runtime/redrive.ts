import { RefractError } from '../domain/index.ts';
import type { DeadLetters, EventLog, OutgoingMessage, StoredDeadLetter } from '../ports/index.ts';
import { redriveCount, redriveProperties, redriveRefusal, republishedBy } from './redrive-letter.ts';

export { REDRIVE_LEG, REDRIVE_RUN, REDRIVES, redriveCount, redriveRefusal, RUNNER_ANNOTATIONS } from './redrive-letter.ts';

/** Which letters of a leg to re-drive, and how. */
export interface RedriveRequest {
  readonly leg: string;
  /** Only letters with this error code. */
  readonly code?: string;
  /** Only letters with this key (entity id). */
  readonly key?: string;
  /** Decide everything, publish and remove nothing. */
  readonly dryRun?: boolean;
  /** A letter already re-driven this many times is refused (default 5). */
  readonly maxRedrives?: number;
  /** Re-drive at most this many letters. */
  readonly limit?: number;
  /** Names this run on what it re-publishes: a letter that fails again during the run is not re-driven again by it. */
  readonly runId: string;
  /** Letters taken from the backlog at a time (default 500; Pulsar holds at most 1,000). */
  readonly roundSize?: number;
  readonly onProgress?: (progress: RedriveProgress) => void;
  /** While a round looks through the backlog: how many letters it looked at so far. */
  readonly onScanned?: (scanned: number) => void;
}

/** A letter as the report names it. */
export interface RedriveItem {
  readonly id: string;
  readonly key: string;
  readonly code: string;
  readonly sourceTopic: string;
  /** Re-drives counted on the letter, this one included when it was re-driven. */
  readonly redrives: number;
  /** Why it was refused, or why its re-publish failed. */
  readonly why?: string;
}

export interface RedriveProgress {
  readonly round: number;
  readonly scanned: number;
  readonly matched: number;
  readonly redriven: number;
  readonly refused: number;
  readonly failed: number;
}

export interface RedriveReport {
  readonly leg: string;
  readonly dryRun: boolean;
  /** Re-published and removed (in a dry run: would have been). */
  readonly redriven: readonly RedriveItem[];
  /** Kept: cannot or may not be re-driven (`why`). */
  readonly refused: readonly RedriveItem[];
  /** Kept: the log did not persist its re-publish (`why`). */
  readonly failed: readonly RedriveItem[];
  readonly rounds: number;
}

export const DEFAULT_MAX_REDRIVES = 5;
const DEFAULT_ROUND = 500;

/**
 * Re-drives a leg's dead letters: each chosen letter's original bytes go back to its source
 * topic with its original key and properties and one more re-drive counted, and the letter is
 * removed only once the log says that message is persisted. The copy is for the letter's leg
 * (`refract.redrive_leg`): other legs ack it untouched. If the leg holds that version already it
 * is stale (version guards); if it still cannot take it, it dead-letters it again with its new
 * reason and the count. Works in rounds of
 * `roundSize` letters, so no adapter has to hold the whole backlog at once.
 */
export async function redrive(deadLetters: DeadLetters, log: EventLog, request: RedriveRequest): Promise<RedriveReport> {
  const maxRedrives = request.maxRedrives ?? DEFAULT_MAX_REDRIVES;
  const judged = new Set<string>();
  const report = { redriven: [] as RedriveItem[], refused: [] as RedriveItem[], failed: [] as RedriveItem[] };
  const wanted = (letter: StoredDeadLetter) =>
    !judged.has(letter.id) && (request.code === undefined || letter.code === request.code) &&
    (request.key === undefined || letter.key === request.key) && !republishedBy(letter, request.runId);
  let rounds = 0;
  let scanned = 0;
  for (;;) {
    const room = (request.limit ?? Infinity) - report.redriven.length;
    if (room <= 0) break;
    const take = Math.min(request.roundSize ?? DEFAULT_ROUND, room);
    const session = await deadLetters.open(request.leg, {
      limit: take, wanted, ...(request.onScanned ? { onScanned: request.onScanned } : {}),
    });
    let stop = session.letters.length < take;
    try {
      if (!session.letters.length) break;
      rounds++;
      scanned += session.scanned;
      const chosen: StoredDeadLetter[] = [];
      for (const letter of session.letters) {
        judged.add(letter.id);
        const why = redriveRefusal(letter, maxRedrives);
        if (why) report.refused.push(item(letter, why));
        else chosen.push(letter);
      }
      if (request.dryRun) report.redriven.push(...chosen.map((l) => item(l, undefined, 1)));
      else if (chosen.length) {
        const { persisted, failed } = await publishEach(log, chosen.map((l) => message(l, request.runId)));
        report.failed.push(...failed.map(({ index, why }) => item(chosen[index] as StoredDeadLetter, why)));
        await session.remove(persisted.map((i) => (chosen[i] as StoredDeadLetter).id)).catch((error: unknown) => {
          throw new RefractError('LOG.UNAVAILABLE', `re-published ${persisted.length} letter(s) of the ${request.leg} leg but could not remove them ` +
            `(${error instanceof Error ? error.message : String(error)}); they stay, and re-driving them again is harmless`, { leg: request.leg });
        });
        report.redriven.push(...persisted.map((i) => item(chosen[i] as StoredDeadLetter, undefined, 1)));
        stop ||= failed.length > 0; // the log is in trouble: keep the rest for later
      }
    } finally {
      await session.close();
    }
    request.onProgress?.({
      round: rounds, scanned, matched: report.redriven.length + report.refused.length + report.failed.length,
      redriven: report.redriven.length, refused: report.refused.length, failed: report.failed.length,
    });
    if (stop) break;
  }
  return { leg: request.leg, dryRun: request.dryRun === true, ...report, rounds };
}

const message = (letter: StoredDeadLetter, runId: string): OutgoingMessage => ({
  topic: letter.sourceTopic, key: letter.key, payload: letter.payload, properties: redriveProperties(letter, runId),
});

function item(letter: StoredDeadLetter, why?: string, more = 0): RedriveItem {
  return {
    id: letter.id, key: letter.key, code: letter.code, sourceTopic: letter.sourceTopic,
    redrives: redriveCount(letter) + more, ...(why ? { why } : {}),
  };
}

/**
 * Which messages the log persisted (by index) and why the others failed. A publish that throws
 * persisted nothing we may count on; an answer that does not account for every message is not
 * trusted either: a letter is removed only on the log's word that its message is durable.
 */
async function publishEach(log: EventLog, messages: readonly OutgoingMessage[]) {
  const all = messages.map((_, index) => index);
  try {
    const result = await log.publish(messages);
    const failedAt = new Map(result.failed.map((f) => [f.position, f.reason]));
    const persisted = all.filter((i) => !failedAt.has(i));
    if (persisted.length !== result.persisted) {
      const why = `the log reported ${result.persisted} of ${messages.length} persisted but ${result.failed.length} failed: kept to be safe`;
      return { persisted: [], failed: all.map((index) => ({ index, why })) };
    }
    return { persisted, failed: [...failedAt].map(([index, why]) => ({ index, why: `not persisted: ${why}` })) };
  } catch (error) {
    const why = `not persisted: ${error instanceof Error ? error.message : String(error)}`;
    return { persisted: [], failed: all.map((index) => ({ index, why })) };
  }
}
