import type { Page, PurgeOptions, VersionEntry } from '../../ports/index.ts';
import { bucketRange, decodeCursor, encodeCursor, nextSpan } from './bucket-walk.ts';
import { countBuckets, purgeBuckets, scanBuckets } from './bucket-traversals.ts';
import { BUCKETS } from './graph-buckets.ts';
import { field, list, num, text } from './graph-rows.ts';
import type { GraphTraversal, GraphTraversalSource } from './gremlin-driver.ts';

/** What one paged request covered: its buckets and the vertices it read (metrics, tests). */
export interface PagedRequest {
  readonly operation: 'count' | 'scan' | 'purge';
  readonly firstBucket: number;
  readonly buckets: number;
  readonly vertices: number;
}

export interface PagedWorkOptions {
  /** About how many vertices one request may read; a single bucket is the floor. */
  readonly verticesPerRequest: number;
  /** Runs one request under the store's deadline and error mapping. */
  readonly call: <T>(operation: string, work: () => Promise<T>) => Promise<T>;
  readonly onRequest?: (request: PagedRequest) => void;
}

/**
 * count, scan and purge as many bounded requests over bucket ranges (docs/adr/0010): each
 * request reads the vertices of a few buckets through an index, sized from what the previous
 * range held, so no request reads the whole graph however large it grows.
 */
export function pagedGraphWork(g: GraphTraversalSource, options: PagedWorkOptions) {
  const { verticesPerRequest: target, call, onRequest } = options;

  const request = async (operation: PagedRequest['operation'], buckets: number[], traversal: GraphTraversal) => {
    const row = (await call(operation, () => traversal.next())).value;
    const vertices = num(field(row, 'seen'));
    onRequest?.({ operation, firstBucket: buckets[0] ?? BUCKETS, buckets: buckets.length, vertices });
    return { row, vertices };
  };

  /** Runs `step` over every bucket, one paced range at a time; `step` answers the row it read. */
  const walk = async (operation: 'count' | 'purge', step: (buckets: number[]) => GraphTraversal, each: (row: unknown, done: number) => void) => {
    let span = 1;
    for (let first = 0; first < BUCKETS;) {
      const buckets = bucketRange(first, span);
      const { row, vertices } = await request(operation, buckets, step(buckets));
      first += buckets.length;
      each(row, first / BUCKETS);
      span = nextSpan(buckets.length, vertices, target);
    }
  };

  return {
    async count(): Promise<{ vertices: number; edges: number }> {
      let vertices = 0;
      let edges = 0;
      await walk('count', (buckets) => countBuckets(g, buckets), (row) => {
        vertices += num(field(row, 'seen'));
        edges += num(field(row, 'edges'));
      });
      return { vertices, edges };
    },

    async purge({ olderThan, onProgress }: PurgeOptions): Promise<number> {
      let purged = 0;
      await walk('purge', (buckets) => purgeBuckets(g, buckets, olderThan), (row, done) => {
        purged += num(field(row, 'demoted')) + num(field(row, 'dropped'));
        onProgress?.({ purged, done });
      });
      return purged;
    },

    /** A page of one bucket range; the cursor carries the range's span, so pacing survives across calls. */
    async scan(limit: number, after?: string): Promise<Page<VersionEntry>> {
      const cursor = after === undefined ? { bucket: 0, span: 1 } : decodeCursor(after);
      const buckets = bucketRange(cursor.bucket, cursor.span);
      const resume = cursor.after === undefined ? undefined : { bucket: cursor.bucket, id: cursor.after };
      const { row, vertices } = await request('scan', buckets, scanBuckets(g, buckets, limit, resume));
      const rows = list(field(row, 'rows'));
      const items = rows.map((r) => ({ id: text(field(r, 'id')), version: num(field(r, 'version')), deleted: field(r, 'deleted') === true }));
      const span = nextSpan(buckets.length, vertices, Math.min(limit, target));
      const last = rows.at(-1);
      if (rows.length === limit && last !== undefined) {
        // The range holds more: resume right after the last entry, in its bucket.
        return { items, next: encodeCursor({ bucket: num(field(last, 'bucket')), span, after: text(field(last, 'id')) }) };
      }
      const end = cursor.bucket + buckets.length;
      return end < BUCKETS ? { items, next: encodeCursor({ bucket: end, span }) } : { items };
    },
  };
}
