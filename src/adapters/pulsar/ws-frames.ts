/** A message the broker pushes to a WebSocket consumer. */
export interface DeliveredFrame {
  readonly messageId: string;
  /** Base64. */
  readonly payload: string;
  readonly key?: string;
  readonly properties?: Record<string, string>;
  readonly redeliveryCount?: number;
  readonly publishTime?: string;
}

/** The broker's answer to one send on a WebSocket producer; `context` echoes the send's. */
export interface ReplyFrame {
  readonly context: string;
  readonly result: string;
  readonly messageId?: string;
  readonly errorMsg?: string;
}

/** A frame as read: its content, or what was wrong with it (for the session's failure). */
export type Parsed<T> = { readonly ok: true; readonly frame: T } | { readonly ok: false; readonly problem: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads a consumer frame. Anything but the shape the broker sends is a problem to report, not
 * an exception: a throw would escape the socket's listener, where nobody can catch it.
 */
export function parseDelivered(data: Buffer | string): Parsed<DeliveredFrame> {
  const read = readObject(data);
  if (!read.ok) return read;
  const m = read.frame;
  const wrong =
    !nonEmptyString(m['messageId']) ? 'messageId'
      : typeof m['payload'] !== 'string' || !BASE64.test(m['payload']) ? 'payload (base64)'
        : !optional(m['key'], (v) => typeof v === 'string') ? 'key'
          : !optional(m['properties'], isStringRecord) ? 'properties'
            : !optional(m['redeliveryCount'], (v) => Number.isInteger(v) && (v as number) >= 0) ? 'redeliveryCount'
              : !optional(m['publishTime'], (v) => typeof v === 'string') ? 'publishTime'
                : undefined;
  return wrong === undefined ? { ok: true, frame: m as unknown as DeliveredFrame } : shapeProblem(wrong, m);
}

/** Reads a producer reply; a reply that names no send of ours cannot be matched, so it is a problem too. */
export function parseReply(data: Buffer | string): Parsed<ReplyFrame> {
  const read = readObject(data);
  if (!read.ok) return read;
  const r = read.frame;
  const wrong =
    typeof r['context'] !== 'string' ? 'context'
      : typeof r['result'] !== 'string' ? 'result'
        : !optional(r['messageId'], (v) => typeof v === 'string') ? 'messageId'
          : !optional(r['errorMsg'], (v) => typeof v === 'string') ? 'errorMsg'
            : undefined;
  return wrong === undefined ? { ok: true, frame: r as unknown as ReplyFrame } : shapeProblem(wrong, r);
}

function readObject(data: Buffer | string): Parsed<Record<string, unknown>> {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `a frame that is not JSON (${error instanceof Error ? error.message : String(error)}): ${preview(text)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: `a frame that is not a JSON object: ${preview(text)}` };
  return { ok: true, frame: value as Record<string, unknown> };
}

const shapeProblem = (field: string, frame: Record<string, unknown>): Parsed<never> =>
  ({ ok: false, problem: `a frame with a missing or malformed ${field}: ${preview(JSON.stringify(frame))}` });
const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || v === null || check(v);
const isStringRecord = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
/** Enough of a frame to recognise it in a log line; payloads can be megabytes. */
const preview = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
