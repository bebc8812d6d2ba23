import type { EntityEvent } from '../../../src/domain/index.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import type { OutgoingMessage } from '../../../src/ports/index.ts';
import { messageOf as message, withPrefix } from '../../support/prefixed-events.ts';
import { seeded } from './seeded.ts';

/** What a chaos run publishes, and the events the oracle folds (ids without the run's prefix). */
export interface ChaosEvents {
  readonly messages: readonly OutgoingMessage[];
  readonly events: readonly EntityEvent[];
  readonly duplicates: number;
  readonly lateCopies: number;
  readonly deletes: number;
}

/**
 * Generated banking events (creates, updates, deletes, producer duplicates), plus late copies
 * of earlier messages appended at the end: older versions that arrive after newer ones, which
 * must change nothing. Every id, references included, carries `prefix`, so the run's vertices
 * and documents never meet another test's on the shared servers.
 */
export function chaosEvents(seed: number, entities: number, prefix: string): ChaosEvents {
  const generated = generateBankingEvents({
    seed, entities, updatesPerEntity: 1, deleteShare: 0.1, duplicateShare: 0.08, textChangeShare: 0.3,
  });
  const events = generated.flatMap((m) => (m.event ? [m.event] : []));
  const random = seeded(seed ^ 0x5eed);
  const late = events.filter(() => random() < 0.05);
  const messages = [...events, ...late].map((event) => message(withPrefix(event, prefix)));
  const distinct = new Set(events.map((e) => e.event_id)).size;
  return {
    messages,
    events: [...new Map(events.map((e) => [e.event_id, e])).values()],
    duplicates: events.length - distinct,
    lateCopies: late.length,
    deletes: events.filter((e) => e.event_type === 'delete').length,
  };
}
