import { BANKING_PAYLOADS, decodeEvent, isRefractError, RefractError, topicFor, type PayloadCatalog } from '../../../domain/index.ts';
import type { EventLog, OutgoingMessage, PublishResult } from '../../../ports/index.ts';
import type { OneShotRetry } from '../one-shot-retry.ts';

export interface PublishTally {
  lines: number;
  published: number;
  invalid: number;
  failed: number;
  readonly byTopic: Record<string, number>;
}

export interface PublishLinesOptions {
  /** Messages handed to the log at once; the log pipelines within a chunk. */
  readonly chunkSize: number;
  /** Validate only; publish nothing. */
  readonly dryRun?: boolean;
  readonly onInvalid: (line: number, reason: string) => void;
  readonly onFailed: (line: number, reason: string) => void;
  readonly onProgress?: (tally: Readonly<PublishTally>) => void;
  /** Retries each chunk's publish while it fails retryably; by default a chunk is tried once. */
  readonly retry?: OneShotRetry;
  /** The application's payload schemas and topics (default: the banking application's). */
  readonly app?: { readonly catalog: PayloadCatalog; topicFor(entityType: string): string };
}

interface Pending {
  readonly line: number;
  readonly message: OutgoingMessage;
  /** Why its last attempt failed. */
  readonly reason?: string;
}

const encoder = new TextEncoder();
const once: OneShotRetry = (_what, work) => work();

/**
 * JSON lines → the log. Each line is validated as an EntityEvent exactly as a leg will decode
 * it; a valid one is published unchanged (its bytes, not a re-encoding) to its entity type's
 * topic, keyed by entity_id, with event_id, entity_type and version as properties. Invalid
 * lines are reported with their number and never published. Blank lines are skipped.
 *
 * A chunk whose messages partly failed is published again, only the failed ones, within the
 * retry's bound (a message the log calls hopeless, too large or on a refused topic, is not);
 * the resent ones may land after later messages of their key, which version guards make
 * harmless. A chunk still failing past the bound stops the run: its lines are reported as
 * not persisted and the error says how far it got.
 */
export async function publishJsonLines(lines: AsyncIterable<string>, log: EventLog, options: PublishLinesOptions): Promise<PublishTally> {
  const tally: PublishTally = { lines: 0, published: 0, invalid: 0, failed: 0, byTopic: {} };
  const retry = options.retry ?? once;
  let chunk: Pending[] = [];
  const flush = async () => {
    const sending = chunk;
    chunk = [];
    if (!sending.length || options.dryRun) {
      for (const { message } of sending) count(tally, message.topic);
      return;
    }
    let pending = sending;
    try {
      await retry(`publish of lines ${sending[0]?.line ?? 0}-${sending.at(-1)?.line ?? 0}`, async () => {
        const result = await log.publish(pending.map((p) => p.message));
        pending = settle(pending, result, tally, options.onFailed);
        options.onProgress?.(tally);
        if (pending.length) {
          throw new RefractError('LOG.UNAVAILABLE', `${pending.length} of ${sending.length} messages were not persisted: ${pending[0]?.reason ?? ''}`, { failed: pending.length });
        }
      });
    } catch (error) {
      if (!isRefractError(error) || !error.retryable) throw error;
      for (const p of pending) options.onFailed(p.line, p.reason ?? error.message);
      tally.failed += pending.length;
      throw new RefractError(error.code, `${error.message}; stopped after ${tally.lines} lines read, ${tally.published} published`, error.details, { cause: error });
    }
  };

  for await (const raw of lines) {
    const line = ++tally.lines;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!text.trim()) continue;
    const payload = encoder.encode(text);
    try {
      const event = decodeEvent(payload, options.app?.catalog ?? BANKING_PAYLOADS);
      const properties = { event_id: event.event_id, entity_type: event.entity_type, version: String(event.version) };
      const topic = (options.app?.topicFor ?? topicFor)(event.entity_type);
      chunk.push({ line, message: { topic, key: event.entity_id, payload, properties } });
    } catch (error) {
      tally.invalid++;
      const code = typeof (error as { code?: unknown }).code === 'string' ? `[${(error as { code: string }).code}] ` : '';
      options.onInvalid(line, `${code}${error instanceof Error ? error.message : String(error)}`);
    }
    if (chunk.length >= options.chunkSize) await flush();
  }
  await flush();
  return tally;
}

/** Counts what one attempt persisted, reports what can never be, and returns what is worth another attempt. */
function settle(
  sent: readonly Pending[], result: PublishResult, tally: PublishTally, onFailed: (line: number, reason: string) => void,
): Pending[] {
  const failures = new Map(result.failed.map((f) => [f.position, f]));
  const again: Pending[] = [];
  sent.forEach((p, i) => {
    const failure = failures.get(i);
    if (!failure) count(tally, p.message.topic);
    else if (worthAnotherTry(failure)) again.push({ ...p, reason: failure.reason });
    else {
      tally.failed++;
      onFailed(p.line, failure.reason);
    }
  });
  return again;
}

/**
 * The port promises only that a failed message "may be published again"; the Pulsar log also
 * says when that is pointless (`retryable: false`: too large, or a refused topic).
 */
const worthAnotherTry = (failure: PublishResult['failed'][number]) => (failure as { retryable?: unknown }).retryable !== false;

function count(tally: PublishTally, topic: string): void {
  tally.published++;
  tally.byTopic[topic] = (tally.byTopic[topic] ?? 0) + 1;
}
