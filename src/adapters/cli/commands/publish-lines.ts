import { BANKING_PAYLOADS, decodeEvent, topicFor } from '../../../domain/index.ts';
import type { EventLog, OutgoingMessage } from '../../../ports/index.ts';

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
}

const encoder = new TextEncoder();

/**
 * JSON lines → the log. Each line is validated as an EntityEvent exactly as a leg will decode
 * it; a valid one is published unchanged (its bytes, not a re-encoding) to its entity type's
 * topic, keyed by entity_id, with event_id, entity_type and version as properties. Invalid
 * lines are reported with their number and never published. Blank lines are skipped.
 */
export async function publishJsonLines(lines: AsyncIterable<string>, log: EventLog, options: PublishLinesOptions): Promise<PublishTally> {
  const tally: PublishTally = { lines: 0, published: 0, invalid: 0, failed: 0, byTopic: {} };
  let chunk: { line: number; message: OutgoingMessage }[] = [];
  const flush = async () => {
    const sending = chunk;
    chunk = [];
    if (!sending.length || options.dryRun) {
      for (const { message } of sending) count(tally, message.topic);
      return;
    }
    const result = await log.publish(sending.map((s) => s.message));
    const failed = new Set(result.failed.map((f) => f.position));
    for (const f of result.failed) options.onFailed(sending[f.position]?.line ?? 0, f.reason);
    tally.failed += result.failed.length;
    sending.forEach((s, i) => !failed.has(i) && count(tally, s.message.topic));
    options.onProgress?.(tally);
  };

  for await (const raw of lines) {
    const line = ++tally.lines;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!text.trim()) continue;
    const payload = encoder.encode(text);
    try {
      const event = decodeEvent(payload, BANKING_PAYLOADS);
      const properties = { event_id: event.event_id, entity_type: event.entity_type, version: String(event.version) };
      chunk.push({ line, message: { topic: topicFor(event.entity_type), key: event.entity_id, payload, properties } });
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

function count(tally: PublishTally, topic: string): void {
  tally.published++;
  tally.byTopic[topic] = (tally.byTopic[topic] ?? 0) + 1;
}
