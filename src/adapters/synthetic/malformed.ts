import { topicFor, type EntityEvent } from '../../domain/index.ts';
import type { GeneratedMessage } from './generated-message.ts';

/** Ways real producers get it wrong; each one must end in dead letters with its reason. */
const BREAKERS: readonly ((event: EntityEvent) => unknown)[] = [
  (e) => JSON.stringify(e).slice(0, 40),
  (e) => ({ ...e, version: 0 }),
  (e) => ({ ...e, event_type: 'upsert' }),
  (e) => ({ ...e, entity_type: 'spaceship' }),
  (e) => { const { entity_id: _omit, ...rest } = e; return rest; },
  (e) => (e.event_type === 'delete' ? { ...e, occurred_at: 'yesterday' } : { ...e, payload: { ...e.payload, currency: 'euro', iban: 'not-an-iban', full_name: '' , legal_name: '', amount: -5 } }),
];

export function malformedVariant(event: EntityEvent, rnd: () => number): GeneratedMessage {
  const broken = BREAKERS[Math.floor(rnd() * BREAKERS.length)]?.(event);
  const text = typeof broken === 'string' ? broken : JSON.stringify(broken);
  return { topic: topicFor(event.entity_type), key: event.entity_id, payload: new TextEncoder().encode(text) };
}
