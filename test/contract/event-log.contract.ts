import { describe, expect, it } from 'vitest';
import type { EventLog, LogReader, ReceivedMessage, Subscription } from '../../src/ports/index.ts';

const text = (m: ReceivedMessage) => new TextDecoder().decode(m.payload);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Receives until `count` messages arrived or `timeoutMs` passed. */
export async function receiveAll(sub: Subscription, count: number, timeoutMs = 20_000): Promise<ReceivedMessage[]> {
  const out: ReceivedMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await sub.receive(count - out.length, 200)));
  return out;
}

/** Pages from `reader` until one comes back empty (or `timeoutMs` passes: a reader that never ends fails the test). */
export async function readToEnd(reader: LogReader, pageSize = 7, timeoutMs = 30_000): Promise<ReceivedMessage[][]> {
  const pages: ReceivedMessage[][] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the read did not end within ${timeoutMs} ms (${pages.flat().length} messages so far)`);
    const page = await reader.next(pageSize);
    if (!page.length) return pages;
    pages.push(page);
  }
}

/**
 * What every EventLog must do. `makeLog` returns a log and a fresh topic name (unique per
 * test on shared servers); subscriptions start at the earliest message.
 */
export function eventLogContract(name: string, makeLog: () => Promise<{ log: EventLog; topic: string }>) {
  describe(`EventLog contract: ${name}`, () => {
    describe('when messages are published and consumed', () => {
      it('delivers payload, key and properties, and keeps each key in order', async () => {
        const { log, topic } = await makeLog();
        const sub = await log.subscribe({ topics: [topic], subscription: 'contract-order' });
        const sent = Array.from({ length: 20 }, (_, i) => ({ topic, key: `k${i % 3}`, payload: bytes(`m${i}`), properties: { n: String(i) } }));
        expect(await log.publish(sent)).toEqual({ persisted: 20, failed: [] });
        const got = await receiveAll(sub, 20);
        await sub.ack(got);
        expect(got.map(text).sort()).toEqual(sent.map((m) => new TextDecoder().decode(m.payload)).sort());
        for (const key of ['k0', 'k1', 'k2']) {
          const order = got.filter((m) => m.key === key).map((m) => Number(m.properties['n']));
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
        await sub.close();
      });
    });

    describe('when a message is nacked', () => {
      it('delivers it again with a higher redelivery count', async () => {
        const { log, topic } = await makeLog();
        const sub = await log.subscribe({ topics: [topic], subscription: 'contract-nack' });
        await log.publish([{ topic, key: 'k', payload: bytes('again'), properties: {} }]);
        const [first] = await receiveAll(sub, 1);
        expect(first?.redeliveryCount).toBe(0);
        await sub.nack(first ? [first] : []);
        const [second] = await receiveAll(sub, 1);
        expect(second && text(second)).toBe('again');
        expect(second?.redeliveryCount).toBeGreaterThan(0);
        await sub.ack(second ? [second] : []);
        await sub.close();
      });
    });

    describe('when a consumer closes without acking', () => {
      it('hands its messages to the next consumer of the subscription: nothing is lost', async () => {
        const { log, topic } = await makeLog();
        const first = await log.subscribe({ topics: [topic], subscription: 'contract-crash' });
        await log.publish(Array.from({ length: 5 }, (_, i) => ({ topic, key: `k${i}`, payload: bytes(`c${i}`), properties: {} })));
        const taken = await receiveAll(first, 5);
        await first.ack(taken.slice(0, 2));
        await first.close();
        const second = await log.subscribe({ topics: [topic], subscription: 'contract-crash' });
        const rest = await receiveAll(second, 3);
        expect(rest.map(text).sort()).toEqual(taken.slice(2).map(text).sort());
        // A message keeps its place on the log at every delivery: the in-flight journal relies on it.
        expect(new Set(taken.map((m) => m.position)).size).toBe(5);
        expect(rest.map((m) => m.position).sort()).toEqual(taken.slice(2).map((m) => m.position).sort());
        await second.ack(rest);
        await second.close();
      });
    });

    describe('when a subscription is unsubscribed', () => {
      it('is gone with its position: subscribing again under its name starts at the earliest message', async () => {
        const { log, topic } = await makeLog();
        await log.publish([1, 2, 3].map((i) => ({ topic, key: `k${i}`, payload: bytes(`u${i}`), properties: {} })));
        const first = await log.subscribe({ topics: [topic], subscription: 'contract-unsubscribe' });
        const got = await receiveAll(first, 3);
        await first.ack(got);
        await backlogReaches(first, 0);
        expect(first.unsubscribe).toBeDefined();
        await first.unsubscribe();
        const again = await log.subscribe({ topics: [topic], subscription: 'contract-unsubscribe' });
        expect((await receiveAll(again, 3)).map(text).sort()).toEqual(['u1', 'u2', 'u3']);
        await again.unsubscribe();
      });
    });

    describe('when whole topics are read', () => {
      it('pages through every message from the earliest to the end as it stood when the read began, each topic in order', async () => {
        const { log, topic } = await makeLog();
        await log.publish(Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i % 4}`, payload: bytes(`r${i}`), properties: { n: String(i) } })));
        expect(log.read).toBeDefined();
        const reader = await log.read({ topics: [topic] });
        try {
          // Published after the read began: beyond its end.
          await log.publish([{ topic, key: 'late', payload: bytes('late'), properties: {} }]);
          const pages = await readToEnd(reader);
          expect(pages.every((p) => p.length <= 7)).toBe(true);
          const all = pages.flat();
          expect(all.every((m) => m.topic === topic)).toBe(true);
          expect(all.map((m) => m.properties['n'])).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
          expect(all[0]?.key).toBe('k0');

          await reader.extend();
          expect((await readToEnd(reader)).flat().map(text)).toEqual(['late']);
        } finally {
          await reader.close();
        }
      });

      it('ends at once on an empty topic, and leaves the subscriptions of others alone', async () => {
        const { log, topic } = await makeLog();
        const leg = await log.subscribe({ topics: [topic], subscription: 'contract-read-leg' });
        const reader = await log.read({ topics: [topic] });
        expect(await readToEnd(reader)).toEqual([]);
        await reader.close();
        await log.publish([{ topic, key: 'k', payload: bytes('after'), properties: {} }]);
        expect((await receiveAll(leg, 1)).map(text)).toEqual(['after']);
        await leg.unsubscribe();
      });
    });

    describe('when everything is acked', () => {
      it('reports a backlog of zero', async () => {
        const { log, topic } = await makeLog();
        const sub = await log.subscribe({ topics: [topic], subscription: 'contract-backlog' });
        await log.publish([{ topic, key: 'k', payload: bytes('x'), properties: {} }, { topic, key: 'k', payload: bytes('y'), properties: {} }]);
        const got = await receiveAll(sub, 2);
        await sub.ack(got);
        let backlog = await sub.backlog();
        for (let i = 0; i < 20 && backlog > 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          backlog = await sub.backlog();
        }
        expect(backlog).toBe(0);
        await sub.close();
      });
    });
  });
}

async function backlogReaches(sub: Subscription, wanted: number): Promise<void> {
  for (let i = 0; i < 40 && (await sub.backlog()) !== wanted; i++) await new Promise((r) => setTimeout(r, 250));
}
