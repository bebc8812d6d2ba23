import { CURRENT_SCHEMA_VERSION, topicFor, type BankingEntityType, type EntityEvent } from '../../domain/index.ts';
import { uuidFrom } from '../synthetic/banking-generator.ts';
import type { OutgoingMessage } from '../../ports/index.ts';
import { seededRandom } from '../memory/seeded-random.ts';
import { createPayloadMaker, type Drawn } from './load-payloads.ts';
import type { LoadMix } from './load-mix.ts';
import { createLiveSet } from './live-set.ts';

export interface LoadEventSourceOptions {
  readonly seed: number;
  /** Distinct entities the events are spread over (all four types). */
  readonly entities: number;
  /** Put before every entity id, so a run never touches the entities of an earlier one. */
  readonly idPrefix: string;
  readonly mix: LoadMix;
  readonly now: () => number;
}

/** What the source has produced so far, by kind: the mix the run really had. */
export interface LoadTally {
  events: number;
  messages: number;
  creates: number;
  textChanges: number;
  metadataUpdates: number;
  deletes: number;
  duplicates: number;
}

const TYPE_SHARES: readonly [BankingEntityType, number][] = [['company', 0.1], ['person', 0.3], ['account', 0.3], ['transaction', 0.3]];
const TEXTUAL: ReadonlySet<BankingEntityType> = new Set(['person', 'company']);
const encoder = new TextEncoder();

/**
 * An endless, seeded stream of valid banking events in the run's mix. Each event first
 * draws its kind (delete, new text, metadata only), then an entity that can take it, so the
 * shares hold exactly, not only on average over entity types. Versions rise per entity; a
 * deleted entity is created again with a higher version the next time it is drawn.
 */
export function createLoadEventSource(options: LoadEventSourceOptions) {
  const rnd = seededRandom(options.seed);
  const types = TYPE_SHARES.flatMap(([type, share]) =>
    Array.from({ length: Math.max(1, Math.round(options.entities * share)) }, () => type));
  const ids = types.map((type, i) => `${options.idPrefix}${type.slice(0, 3)}-${i + 1}`);
  const idsOf = Object.fromEntries(
    TYPE_SHARES.map(([type]) => [type, ids.filter((_, i) => types[i] === type)]),
  ) as Record<BankingEntityType, string[]>;
  const textual = types.flatMap((t, i) => (TEXTUAL.has(t) ? [i] : []));
  const plain = types.flatMap((t, i) => (TEXTUAL.has(t) ? [] : [i]));
  const versions = new Array<number>(types.length).fill(0);
  const states = new Array<Drawn | undefined>(types.length);
  const live = createLiveSet(types.length);
  const maker = createPayloadMaker(rnd, (type) => idsOf[type]);
  const tally: LoadTally = { events: 0, messages: 0, creates: 0, textChanges: 0, metadataUpdates: 0, deletes: 0, duplicates: 0 };
  const any = (pool: readonly number[]) => pool[Math.floor(rnd() * pool.length)] as number;

  const eventFor = (i: number, kind: 'create' | 'update' | 'delete', state: Drawn | undefined, now: number): EntityEvent => ({
    event_id: uuidFrom(rnd), event_type: kind, entity_type: types[i] as BankingEntityType, entity_id: ids[i] as string,
    version: (versions[i] = (versions[i] ?? 0) + 1), occurred_at: new Date(now).toISOString(),
    payload: kind === 'delete' || !state ? {} : state.payload,
    ...(kind !== 'delete' && state?.text ? { text_for_embedding: state.text } : {}),
    source: 'load', schema_version: CURRENT_SCHEMA_VERSION,
  });

  const nextEvent = (): EntityEvent => {
    const now = options.now();
    const r = rnd();
    const { deleteShare, textChangeShare } = options.mix;
    if (r < deleteShare && live.size() > 0) {
      const i = live.any(rnd);
      live.remove(i);
      states[i] = undefined;
      tally.deletes += 1;
      return eventFor(i, 'delete', undefined, now);
    }
    if (r < deleteShare + textChangeShare) {
      // A new text: a create of a person or company, or an update that changes its text.
      const i = any(textual);
      const type = types[i] as BankingEntityType;
      const state = states[i];
      states[i] = state ? maker.retext(type, state, now) : maker.draw(type, ids[i] as string, now);
      tally.textChanges += 1;
      if (!state) live.add(i);
      return eventFor(i, state ? 'update' : 'create', states[i], now);
    }
    // Metadata only: persons and companies are created only with a new text (above), so a
    // not-yet-live one falls back to an account or a transaction here.
    let i = Math.floor(rnd() * types.length);
    if (TEXTUAL.has(types[i] as BankingEntityType) && !states[i]) i = any(plain);
    const type = types[i] as BankingEntityType;
    const state = states[i];
    states[i] = state ? maker.touch(type, state, now) : maker.draw(type, ids[i] as string, now);
    if (state) tally.metadataUpdates += 1;
    else {
      tally.creates += 1;
      live.add(i);
    }
    return eventFor(i, state ? 'update' : 'create', states[i], now);
  };

  return {
    tally,
    /** The next `n` events as messages (a duplicated one appears twice, back to back). */
    take(n: number): OutgoingMessage[] {
      const out: OutgoingMessage[] = [];
      for (let k = 0; k < n; k++) {
        const event = nextEvent();
        const message: OutgoingMessage = {
          topic: topicFor(event.entity_type), key: event.entity_id, payload: encoder.encode(JSON.stringify(event)),
          properties: { event_id: event.event_id, entity_type: event.entity_type, version: String(event.version) },
        };
        out.push(message);
        tally.events += 1;
        if (rnd() < options.mix.duplicateShare) {
          out.push(message);
          tally.duplicates += 1;
        }
      }
      tally.messages += out.length;
      return out;
    },
  };
}
