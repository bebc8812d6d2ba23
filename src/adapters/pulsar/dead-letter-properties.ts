import type { DeadLetter, ReceivedMessage, StoredDeadLetter } from '../../ports/index.ts';
import { letterIdOf } from './dead-letter-ids.ts';

/** Where a dead letter's why travels: message properties, beside the original ones, key and bytes untouched. */
const P = {
  leg: 'refract.leg',
  reason: 'refract.reason',
  code: 'refract.code',
  sourceTopic: 'refract.source_topic',
  stack: 'refract.stack',
} as const;

/** Long enough for a real stack; a message (properties included) must stay far below Pulsar's 5 MB. */
const MAX_REASON = 2_000;
const MAX_STACK = 8_000;

/**
 * Set on a letter too large to send whole (the original message may have been up to the
 * broker's 5 MB before the reason and stack were added, and the WebSocket API's frame limit is
 * lower still): its value is how many bytes of payload, or how many original properties, were
 * left out. Kept among the letter's properties, so whoever lists it sees what is missing.
 */
export const PAYLOAD_OMITTED = 'refract.payload_omitted';
export const PROPERTIES_OMITTED = 'refract.properties_omitted';

export function deadLetterProperties(letter: DeadLetter): Record<string, string> {
  return {
    ...letter.properties,
    [P.leg]: letter.leg,
    [P.reason]: letter.reason.slice(0, MAX_REASON),
    [P.code]: letter.code,
    [P.sourceTopic]: letter.sourceTopic,
    ...(letter.stack ? { [P.stack]: letter.stack.slice(0, MAX_STACK) } : {}),
  };
}

/** The inverse: a message read back from a dead-letter topic (its position is `<topic>@<message id>`). */
export function deadLetterFrom(leg: string, message: ReceivedMessage): StoredDeadLetter {
  const own = new Set<string>(Object.values(P));
  const stack = message.properties[P.stack];
  const omitted = Number(message.properties[PAYLOAD_OMITTED] ?? Number.NaN);
  return {
    id: letterIdOf(message.position.slice(message.position.lastIndexOf('@') + 1)),
    deadLetteredAt: message.publishTime,
    ...(Number.isFinite(omitted) ? { payloadOmitted: omitted } : {}),
    leg: message.properties[P.leg] ?? leg,
    key: message.key,
    sourceTopic: message.properties[P.sourceTopic] ?? '',
    payload: message.payload,
    reason: message.properties[P.reason] ?? '',
    code: message.properties[P.code] ?? '',
    properties: Object.fromEntries(Object.entries(message.properties).filter(([k]) => !own.has(k))),
    ...(stack ? { stack } : {}),
  };
}
