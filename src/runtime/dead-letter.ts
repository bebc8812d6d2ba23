import { isRefractError } from '../domain/index.ts';
import type { DeadLetter, ReceivedMessage } from '../ports/index.ts';

/** A message given up on: its original bytes and key, why, and what the runner tried. */
export function deadLetter(
  leg: string,
  message: ReceivedMessage,
  error: unknown,
  extra: { code?: string; reason?: string; attempts?: number } = {},
): DeadLetter {
  const refract = isRefractError(error) ? error : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  return {
    leg,
    key: message.key,
    sourceTopic: message.topic,
    payload: message.payload,
    reason: extra.reason ? `${extra.reason}: ${reason}` : reason,
    code: extra.code ?? refract?.code ?? 'UNKNOWN',
    properties: {
      ...message.properties,
      ...(refract && typeof refract.details['field'] === 'string' ? { field: refract.details['field'] } : {}),
      redelivery_count: String(message.redeliveryCount),
      ...(extra.attempts !== undefined ? { attempts: String(extra.attempts) } : {}),
    },
    ...(error instanceof Error && !refract && error.stack ? { stack: error.stack } : {}),
  };
}
