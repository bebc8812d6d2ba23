import type { StoredDeadLetter } from '../ports/index.ts';

/** How many times the event was re-driven: carried on the re-published message, and so on its next letter. */
export const REDRIVES = 'refract.redrives';
/** The re-drive run that re-published the event: that run does not re-drive it again. */
export const REDRIVE_RUN = 'refract.redrive_run';
/**
 * The leg whose letter was re-driven: every other leg reading the topic acks the re-published
 * copy without working on it (it applied the original already, or has its own letter for it).
 */
export const REDRIVE_LEG = 'refract.redrive_leg';
/** What the runner adds to a letter's properties (dead-letter.ts): about that failure, not the event, so not re-published. */
export const RUNNER_ANNOTATIONS: readonly string[] = ['field', 'redelivery_count', 'attempts'];

/** The letter's re-drive count so far (0 when it was never re-driven, or the property is not a count). */
export function redriveCount(letter: StoredDeadLetter): number {
  const n = Number(letter.properties[REDRIVES] ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Why the letter cannot or may not be re-driven; undefined when it may. */
export function redriveRefusal(letter: StoredDeadLetter, maxRedrives: number): string | undefined {
  if (letter.payloadOmitted !== undefined) {
    return `its payload (${letter.payloadOmitted} bytes) was too large to keep with the letter: publish the event again from its source`;
  }
  if (!letter.sourceTopic) return 'its source topic is not known';
  const count = redriveCount(letter);
  if (count >= maxRedrives) return `re-driven ${count} times already (limit ${maxRedrives}): fix the cause, or raise --max-redrives`;
  return undefined;
}

/** The original properties, the count one higher, and the run that re-published it. */
export function redriveProperties(letter: StoredDeadLetter, runId: string): Record<string, string> {
  const original = Object.entries(letter.properties).filter(([name]) => !RUNNER_ANNOTATIONS.includes(name));
  return { ...Object.fromEntries(original), [REDRIVES]: String(redriveCount(letter) + 1), [REDRIVE_RUN]: runId, [REDRIVE_LEG]: letter.leg };
}

export const republishedBy = (letter: StoredDeadLetter, runId: string): boolean => letter.properties[REDRIVE_RUN] === runId;
