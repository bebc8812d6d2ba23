import { BUCKETS } from './graph-buckets.ts';

/** The most buckets one request names: each is one index lookup on the server. */
export const MAX_SPAN = 256;

/** A run of consecutive buckets, [first, first + span) cut at BUCKETS. */
export const bucketRange = (first: number, span: number): number[] =>
  Array.from({ length: Math.max(0, Math.min(span, BUCKETS - first)) }, (_, i) => first + i);

/**
 * How many buckets the next request should cover so that it reads about `target` vertices,
 * from what the last `span` buckets held. Grows at most eightfold per step, so an empty
 * first range cannot jump to a range that is far too large; never below one bucket, which is
 * the floor of the per-request work (docs/adr/0010).
 */
export function nextSpan(span: number, seen: number, target: number): number {
  const fit = Math.floor((span * target) / Math.max(seen, 1));
  return Math.max(1, Math.min(fit, span * 8, MAX_SPAN));
}

/** Where a whole-graph pass resumes: a bucket, the span to read there, and the last id seen in it. */
export interface BucketCursor {
  readonly bucket: number;
  readonly span: number;
  readonly after?: string;
}

/** The cursor as an opaque string: callers pass it back and never read it. */
export const encodeCursor = (cursor: BucketCursor): string =>
  Buffer.from(JSON.stringify([cursor.bucket, cursor.span, ...(cursor.after === undefined ? [] : [cursor.after])])).toString('base64url');

export function decodeCursor(text: string): BucketCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [bucket, span, after] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  const isIndex = (n: unknown, max: number): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) < max;
  if (!isIndex(bucket, BUCKETS) || !isIndex(span, MAX_SPAN + 1) || span < 1 || (after !== undefined && typeof after !== 'string')) {
    throw new TypeError(`not a scan cursor of the JanusGraph store: ${JSON.stringify(text)}`);
  }
  return after === undefined ? { bucket, span } : { bucket, span, after };
}
