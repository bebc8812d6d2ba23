import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLog, GraphStore, ReceivedMessage, VectorStore } from '../src/ports/index.ts';

/** Nearest-rank percentile of `values` (ms); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One round of writes: each row's id and when its write was taken (commit, or the log's ack) and sent. */
export interface Written {
  readonly ids: readonly string[];
  /** When the write began (first transaction or publish). */
  readonly startedAt: number;
  /** Per row: when the transaction was sent / the publish call was made. */
  readonly sentAt: readonly number[];
  /** Per row: when PostgreSQL's commit / the log's persist ack came back to the writer. */
  readonly ackedAt: readonly number[];
  /** The last ack. */
  readonly endedAt: number;
}

/** Writes `ids` in batches, one after the other, each awaited: the shape of a producer committing transactions. */
export async function writeInBatches(
  ids: readonly string[], perBatch: number, write: (batch: readonly string[]) => Promise<void>,
  onAcked: (batch: readonly string[], at: number) => void = () => undefined,
  /** Rows per second to keep to (one batch on each tick); unset: as fast as each write comes back. */
  pace?: number,
): Promise<Written> {
  const sentAt: number[] = [];
  const ackedAt: number[] = [];
  const startedAt = Date.now();
  for (let at = 0; at < ids.length; at += perBatch) {
    if (pace) await sleep(Math.max(0, startedAt + (at / pace) * 1000 - Date.now()));
    const batch = ids.slice(at, at + perBatch);
    const sent = Date.now();
    await write(batch);
    const acked = Date.now();
    for (let i = 0; i < batch.length; i++) {
      sentAt.push(sent);
      ackedAt.push(acked);
    }
    onAcked(batch, acked);
  }
  return { ids, startedAt, sentAt, ackedAt, endedAt: Date.now() };
}

/**
 * Tails topics from their earliest message for the whole run, noting each key's first publish
 * time (the broker's). The publish time is what is measured, not when this reader got to it.
 */
export function watchTopics(log: EventLog, topics: readonly string[], keyOf: (m: ReceivedMessage) => string | undefined) {
  const seen = new Map(topics.map((t) => [t, new Map<string, number>()]));
  let stopped = false;
  let failure: Error | undefined;
  const loop = (async () => {
    const reader = await log.read({ topics });
    try {
      while (!stopped) {
        const page = await reader.next(1000);
        for (const m of page) {
          const key = keyOf(m);
          const times = seen.get(m.topic);
          if (key !== undefined && times && !times.has(key)) times.set(key, m.publishTime);
        }
        if (!page.length) {
          await sleep(200);
          await reader.extend();
        }
      }
    } finally {
      await reader.close().catch(() => undefined);
    }
  })().catch((error: unknown) => { failure = error instanceof Error ? error : new Error(String(error)); });
  const on = (topic: string) => seen.get(topic) ?? new Map<string, number>();
  return {
    on,
    /** Resolves once every id is on the topic. */
    async all(topic: string, ids: readonly string[], timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        const missing = ids.filter((id) => !on(topic).has(id)).length;
        if (!missing) return;
        if (Date.now() > deadline) throw new Error(`timed out: ${missing} of ${ids.length} events not on ${topic} after ${Math.round(timeoutMs / 1000)} s`);
        await sleep(100);
      }
    },
    async close(): Promise<void> {
      stopped = true;
      await loop;
    },
  };
}

/** How one round ended up on a topic: rows/s from the first write to the last publish, and each row's latency. */
export function onTopic(written: Written, times: ReadonlyMap<string, number>, from: 'sentAt' | 'ackedAt') {
  const at = written.ids.map((id) => times.get(id) ?? Number.NaN);
  const last = Math.max(...at);
  const latencies = at.map((t, i) => t - written[from][i]!);
  return {
    rate: written.ids.length / ((last - written.startedAt) / 1000),
    writeRate: written.ids.length / ((written.endedAt - written.startedAt) / 1000),
    p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99),
    lastAfterWrite: last - written.endedAt,
  };
}

export type Leg = 'graph' | 'vector';

/** Sampled rows asked for per poll and store. */
const POLL_AT_MOST = 10;

export interface Freshness {
  /** Rows/s from the first write until both legs had made every row durable. */
  readonly rate: number;
  /** Per leg: every row durable this long after the last write was acked (ms). */
  readonly allAfter: Readonly<Record<Leg, number>>;
  /** Per leg: sampled rows' write ack → seen in the store (ms). */
  readonly samples: Readonly<Record<Leg, readonly number[]>>;
  /** Per leg: rows found in the store when it was over (should be all). */
  readonly found: Readonly<Record<Leg, number>>;
}

export interface FreshnessProbe {
  readonly graph: GraphStore;
  readonly vectors: VectorStore;
  readonly entityType: string;
  /** The last publish time of the round's events on the entity topic, once every one is there. */
  readonly lastOnTopic: () => number | undefined;
  /** The leg's subscription backlog on the entity topic (0: everything there is durable and acked). */
  readonly backlog: (leg: Leg) => Promise<number>;
}

/**
 * Runs `write` while polling, every ~200 ms, the stores for the oldest few sampled rows whose write
 * has been acked and not yet seen (seen: when the answer came, so at most one poll late) and each
 * leg's backlog. A leg has
 * made every row durable at the first poll, begun after the round's last event was published on
 * the entity topic, that finds its subscription with nothing unacked (the legs ack only what is
 * durable). Then counts the rows in each store.
 */
export async function measureFreshness(
  probe: FreshnessProbe, ids: readonly string[], sampleEvery: number, timeoutMs: number,
  write: (onAcked: (batch: readonly string[], at: number) => void) => Promise<Written>,
): Promise<Freshness> {
  const acked = new Map<string, number>();
  const samples = ids.filter((_, i) => (i + 1) % sampleEvery === 0 || i === ids.length - 1);
  const seen: Record<Leg, Map<string, number>> = { graph: new Map(), vector: new Map() };
  const drainedAt: Record<Leg, number[]> = { graph: [], vector: [] };
  let written: Written | undefined;
  let failure: Error | undefined;
  const writing = write((batch, at) => { for (const id of batch) acked.set(id, at); })
    .then((w) => { written = w; }, (error: unknown) => { failure = error instanceof Error ? error : new Error(String(error)); });
  const deadline = Date.now() + timeoutMs;
  // The oldest few only: JanusGraph (BerkeleyJE) reads take range locks that make the leg's writes wait, so polling stays light.
  const pending = (leg: Leg) => samples.filter((id) => acked.has(id) && !seen[leg].has(id)).slice(0, POLL_AT_MOST);
  const read = {
    graph: async (batch: string[]) => new Set((await probe.graph.get(batch)).keys()),
    vector: async (batch: string[]) => new Set((await probe.vectors.get(probe.entityType, batch)).keys()),
  };
  const doneAt = (leg: Leg) => {
    const last = probe.lastOnTopic();
    return last === undefined ? undefined : drainedAt[leg].find((t) => t > last);
  };
  const over = () => written && doneAt('graph') && doneAt('vector') && samples.every((id) => seen.graph.has(id) && seen.vector.has(id));
  while (!over()) {
    if (failure) throw failure;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s: graph ${seen.graph.size}, vector ${seen.vector.size} of ${samples.length} sampled rows seen`);
    }
    const tick = Date.now();
    await Promise.all((['graph', 'vector'] as const).map(async (leg) => {
      const batch = pending(leg);
      if (batch.length) {
        // A read that meets a lock timeout is only a poll lost: the next one asks again.
        const found = await read[leg](batch).catch(() => new Set<string>());
        const now = Date.now();
        for (const id of batch) if (found.has(id)) seen[leg].set(id, now);
      }
      if (written && !doneAt(leg)) {
        const asked = Date.now();
        if ((await probe.backlog(leg).catch(() => Number.NaN)) === 0) drainedAt[leg].push(asked);
      }
    }));
    await sleep(Math.max(0, 200 - (Date.now() - tick)));
  }
  await writing;
  const w = written!;
  const done = { graph: doneAt('graph')!, vector: doneAt('vector')! };
  const latency = (leg: Leg) => samples.map((id) => seen[leg].get(id)! - acked.get(id)!);
  return {
    rate: ids.length / ((Math.max(done.graph, done.vector) - w.startedAt) / 1000),
    allAfter: { graph: done.graph - w.endedAt, vector: done.vector - w.endedAt },
    samples: { graph: latency('graph'), vector: latency('vector') },
    found: {
      graph: await again(async () => (await probe.graph.get(ids)).size),
      vector: await again(async () => (await probe.vectors.get(probe.entityType, ids)).size),
    },
  };
}

/** A read tried a few times (a lock timeout on JanusGraph is retryable). */
async function again<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 4) throw error;
      await sleep(500 * attempt);
    }
  }
}
