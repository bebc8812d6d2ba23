import { encodeEvent, isRefractError, translateChange, type EntityEvent } from '../domain/index.ts';
import type { App } from '../projections/app.ts';
import type { Clock, DeadLetter, DeadLetters, EventLog, Logger, OutgoingMessage, ReceivedMessage, Subscription } from '../ports/index.ts';
import { deadLetter } from './dead-letter.ts';
import { persistently } from './persistently.ts';
import { healthTracker } from './leg-health.ts';
import type { RetryPolicy } from './retry.ts';

/** The CDC leg's name: its dead letters go to `cdc-dlq`, like any leg's. */
export const CDC_LEG = 'cdc';

/** Where the raw change topic of a table lives: `public.persons` → `cdc-public-persons` (the CDC service publishes there). */
export const cdcTopicFor = (table: string): string => `cdc-${table.replace('.', '-')}`;

export interface CdcTranslatorDeps {
  readonly app: App;
  /** Where the events go: the app's entity topics. */
  readonly log: EventLog;
  /** The raw change topics, on the translator's own subscription. */
  readonly subscription: Subscription;
  readonly deadLetters: DeadLetters;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface CdcTranslatorOptions {
  readonly batchSize: number;
  readonly maxWaitMs: number;
  readonly retry: RetryPolicy;
  readonly stopWhenDrained: boolean;
  readonly signal?: AbortSignal;
  readonly onBatch?: (stats: CdcStats) => void;
}

export interface CdcStats {
  received: number;
  published: number;
  ignored: number;
  deadLettered: number;
}

/**
 * The CDC leg (docs/adr/0021): raw Debezium changes → EntityEvents on the entity topics, keyed
 * by entity id, so both legs treat them like any other event. Per batch: translate (pure), publish
 * the events and wait until the log has persisted every one, send the dead letters (a change from
 * an unmapped table, or one whose event fails the entity's schema), and only then ack the changes.
 * A publish that fails is retried, bounded and logged, holding the batch; republishing an event
 * is harmless (same event_id, same version: the legs count it stale).
 */
export async function runCdcTranslator(deps: CdcTranslatorDeps, options: CdcTranslatorOptions): Promise<CdcStats> {
  const stats: CdcStats = { received: 0, published: 0, ignored: 0, deadLettered: 0 };
  const logger = deps.logger.child({ leg: CDC_LEG });
  const health = healthTracker(CDC_LEG, () => deps.clock.now(), () => undefined);
  const persist = { policy: options.retry, clock: deps.clock, logger, health, ...(options.signal ? { signal: options.signal } : {}) };
  while (!options.signal?.aborted) {
    const messages = await persistently('cdc receive', () => deps.subscription.receive(options.batchSize, options.maxWaitMs), persist);
    if (!messages.length) {
      if (options.stopWhenDrained && (await persistently('cdc backlog', () => deps.subscription.backlog(), persist)) === 0) break;
      await deps.clock.sleep(1, options.signal);
      continue;
    }
    stats.received += messages.length;
    const { outgoing, dead, ignored } = translateBatch(deps.app, messages);
    await publishAll(deps.log, outgoing, persist);
    if (dead.length) {
      await persistently('cdc dead letters', () => deps.deadLetters.send(dead), persist);
      logger.warn(`cdc: dead-lettered ${dead.length} of ${messages.length} changes`, { codes: [...new Set(dead.map((d) => d.code))] });
    }
    await persistently('cdc ack', () => deps.subscription.ack(messages), persist);
    stats.published += outgoing.length;
    stats.ignored += ignored;
    stats.deadLettered += dead.length;
    options.onBatch?.(stats);
  }
  return stats;
}

/** Pure: each change becomes an event to publish, nothing, or a dead letter with its reason. */
export function translateBatch(app: App, messages: readonly ReceivedMessage[]) {
  const outgoing: OutgoingMessage[] = [];
  const dead: DeadLetter[] = [];
  let ignored = 0;
  for (const message of messages) {
    try {
      const translation = translateChange(message.payload.byteLength ? message.payload : null, app.cdcTables, app.catalog);
      if (translation.kind === 'ignored') ignored += 1;
      else outgoing.push(eventMessage(app, translation.event, message));
    } catch (error) {
      // Only an error that belongs to this change is its own; anything else is a bug that must not eat the stream.
      if (!isRefractError(error) || error.retryable) throw error;
      dead.push(deadLetter(CDC_LEG, message, error));
    }
  }
  return { outgoing, dead, ignored };
}

function eventMessage(app: App, event: EntityEvent, change: ReceivedMessage): OutgoingMessage {
  const carried = Object.fromEntries(Object.entries(change.properties).filter(([name]) => name.startsWith('refract.cdc.')));
  return {
    topic: app.topicFor(event.entity_type), key: event.entity_id, payload: encodeEvent(event),
    properties: { ...carried, 'refract.cdc.change': change.position },
  };
}

/** Publishes until the log has persisted every message; only the failed ones are sent again. */
async function publishAll(log: EventLog, messages: readonly OutgoingMessage[], persist: Parameters<typeof persistently>[2]): Promise<void> {
  let pending = [...messages];
  while (pending.length) {
    const batch = pending;
    const result = await persistently('cdc publish', () => log.publish(batch), persist);
    pending = result.failed.flatMap((f) => (batch[f.position] ? [batch[f.position] as OutgoingMessage] : []));
    if (pending.length) {
      persist.logger.warn(`cdc: ${pending.length} of ${batch.length} events were not persisted (${result.failed[0]?.reason ?? ''}); publishing them again`, {});
      await persist.clock.sleep(persist.policy.initialDelayMs, persist.signal);
    }
  }
}
