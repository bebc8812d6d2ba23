import type { EventLog, LogReader, OutgoingMessage, ReadOptions, ReceivedMessage, SubscribeOptions, Subscription } from '../../ports/index.ts';
import { seededRandom } from './seeded-random.ts';

export interface MemoryEventLogOptions {
  readonly seed?: number;
  /** Chance that a publish is stored twice, as a producer retry without deduplication would. */
  readonly duplicateRate?: number;
  /**
   * Chance, per delivered message, that an earlier delivery is repeated, acked or not: an ack
   * lost on the way, or an ack timeout that fired while the consumer was still working.
   */
  readonly redeliveryRate?: number;
  /** Shuffle each batch, so keys and versions arrive in any order. */
  readonly shuffle?: boolean;
}

type Stored = Omit<ReceivedMessage, 'redeliveryCount' | 'position'>;
interface Delivery { readonly message: Stored; readonly count: number }
interface SubState {
  readonly topics: readonly string[];
  readonly cursors: Map<string, number>;
  readonly again: Delivery[];
  readonly inflight: Map<string, { count: number; consumer: number }>;
  readonly acked: Set<string>;
  readonly delivered: string[];
}

/**
 * The embedded EventLog: honestly at-least-once. It stores duplicates, redelivers unacked
 * messages (on nack, on consumer close, and at random when asked) and can shuffle batches.
 * `stats()` lets tests assert that duplicates and redeliveries really happened.
 */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}) {
  const random = seededRandom(options.seed ?? 1);
  const topics = new Map<string, Stored[]>();
  const subs = new Map<string, SubState>();
  const waiters = new Set<() => void>();
  const counters = { published: 0, duplicatesStored: 0, redeliveries: 0 };
  let nextId = 0;
  let nextConsumer = 0;
  const wake = () => { for (const w of [...waiters]) w(); };
  const log = (topic: string) => { let t = topics.get(topic); if (!t) topics.set(topic, (t = [])); return t; };

  const take = (sub: SubState, max: number, consumer: number): ReceivedMessage[] => {
    const out: Delivery[] = [];
    while (out.length < max && sub.again.length) {
      const d = sub.again.shift();
      if (d && !sub.acked.has(d.message.id)) out.push(d);
    }
    // Slots kept for repeats of earlier deliveries. Repeats only ride along with fresh
    // messages, so a drained subscription really comes back empty.
    let repeats = 0;
    const unread = sub.topics.reduce((n, t) => n + log(t).length - (sub.cursors.get(t) ?? 0), 0);
    if (options.redeliveryRate && sub.delivered.length && unread > 0) {
      for (let i = out.length + 1; i < max; i++) if (random() < options.redeliveryRate) repeats++;
    }
    const firstFresh = out.length;
    for (const topic of sub.topics) {
      const messages = log(topic);
      let cursor = sub.cursors.get(topic) ?? 0;
      while (out.length < max - repeats && cursor < messages.length) {
        const message = messages[cursor++];
        if (message) out.push({ message, count: 0 });
      }
      sub.cursors.set(topic, cursor);
    }
    if (options.redeliveryRate) {
      const fresh = out.slice(firstFresh);
      for (let i = 0; i < repeats; i++) {
        const message = find(sub.delivered[Math.floor(random() * sub.delivered.length)] ?? '');
        if (message) out.push({ message, count: (sub.inflight.get(message.id)?.count ?? 0) + 1 });
      }
      for (const d of fresh) sub.delivered.push(d.message.id);
    }
    if (options.shuffle) shuffle(out, random);
    for (const d of out) {
      if (d.count > 0) counters.redeliveries++;
      const prior = sub.inflight.get(d.message.id);
      sub.inflight.set(d.message.id, { count: Math.max(d.count, prior?.count ?? 0), consumer });
    }
    return out.map((d) => ({ ...d.message, position: d.message.id, redeliveryCount: d.count }));
  };

  const byId = new Map<string, Stored>();
  const find = (id: string) => byId.get(id);

  const subscription = (name: string, sub: SubState): Subscription => {
    const consumer = nextConsumer++;
    let closed = false;
    const self: Subscription = {
      async receive(max, maxWaitMs) {
        if (closed) throw new Error(`subscription ${consumer} is closed`);
        const deadline = Date.now() + maxWaitMs;
        for (;;) {
          if (closed) return [];
          const batch = take(sub, max, consumer);
          if (batch.length || Date.now() >= deadline) return batch;
          await new Promise<void>((resolve) => {
            const done = () => { clearTimeout(timer); waiters.delete(done); resolve(); };
            const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
            waiters.add(done);
          });
        }
      },
      ack(messages) {
        for (const m of messages) { sub.acked.add(m.id); sub.inflight.delete(m.id); }
        return Promise.resolve();
      },
      nack(messages) {
        for (const m of messages) {
          sub.inflight.delete(m.id);
          const stored = find(m.id);
          if (stored && !sub.acked.has(m.id)) sub.again.push({ message: stored, count: m.redeliveryCount + 1 });
        }
        wake();
        return Promise.resolve();
      },
      backlog() {
        let total = 0;
        for (const topic of sub.topics) total += log(topic).length;
        return Promise.resolve(total - sub.acked.size);
      },
      close() {
        closed = true;
        for (const [id, state] of sub.inflight) {
          if (state.consumer !== consumer) continue;
          sub.inflight.delete(id);
          const stored = find(id);
          if (stored) sub.again.push({ message: stored, count: state.count + 1 });
        }
        wake();
        return Promise.resolve();
      },
      async unsubscribe() {
        await self.close();
        if (subs.get(name) === sub) subs.delete(name);
      },
    };
    return self;
  };

  /** A cursor per topic up to an end taken when the read began: nothing on the log to remove. */
  const reader = (options: ReadOptions): LogReader => {
    const cursors = new Map(options.topics.map((t) => [t, 0]));
    let ends = new Map(options.topics.map((t) => [t, log(t).length]));
    return {
      next(max) {
        const out: ReceivedMessage[] = [];
        for (const [topic, cursor] of cursors) {
          const end = Math.min(ends.get(topic) ?? 0, cursor + max - out.length);
          for (const m of log(topic).slice(cursor, end)) out.push({ ...m, position: m.id, redeliveryCount: 0 });
          cursors.set(topic, Math.max(cursor, end));
        }
        return Promise.resolve(out);
      },
      extend() {
        ends = new Map(options.topics.map((t) => [t, log(t).length]));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  };

  const eventLog: EventLog = {
    publish(messages: readonly OutgoingMessage[]) {
      for (const m of messages) {
        const copies = options.duplicateRate && random() < options.duplicateRate ? 2 : 1;
        counters.duplicatesStored += copies - 1;
        for (let c = 0; c < copies; c++) {
          const stored: Stored = { ...m, id: `${m.topic}:${nextId++}`, publishTime: Date.now() };
          log(m.topic).push(stored);
          byId.set(stored.id, stored);
        }
      }
      counters.published += messages.length;
      wake();
      return Promise.resolve({ persisted: messages.length, failed: [] });
    },
    subscribe(opts: SubscribeOptions) {
      let sub = subs.get(opts.subscription);
      if (!sub) {
        sub = { topics: [...opts.topics], cursors: new Map(), again: [], inflight: new Map(), acked: new Set(), delivered: [] };
        subs.set(opts.subscription, sub);
      }
      return Promise.resolve(subscription(opts.subscription, sub));
    },
    read: (opts: ReadOptions) => Promise.resolve(reader(opts)),
    close: () => Promise.resolve(),
  };
  return Object.assign(eventLog, { stats: () => ({ ...counters }) });
}

function shuffle(items: unknown[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
