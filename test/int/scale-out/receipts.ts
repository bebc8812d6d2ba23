import { readFileSync } from 'node:fs';

/** One message a runner process received, from its `message received` debug line. */
export interface Receipt {
  readonly process: string;
  readonly leg: string;
  /** The entity: per-entity order is what the message key is there to keep. */
  readonly key: string;
  readonly version: number;
  /** Epoch ms of the log line. */
  readonly time: number;
  /** Position in its process's log: the exact order in which that process received. */
  readonly seq: number;
}

/**
 * The receipts in a runner's output (pino JSON lines on stderr, REFRACT_LOG_LEVEL=debug).
 * Other lines, and the JSON of other messages, are skipped.
 */
export function receiptsIn(logFile: string, process: string): Receipt[] {
  const receipts: Receipt[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; leg?: string; entity_id?: string; version?: number; time?: number };
    if (entry.msg !== 'message received' || entry.leg === undefined || entry.entity_id === undefined || entry.version === undefined) continue;
    receipts.push({ process, leg: entry.leg, key: entry.entity_id, version: entry.version, time: entry.time ?? 0, seq: receipts.length });
  }
  return receipts;
}
