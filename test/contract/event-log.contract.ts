import { describe, expect, it } from 'vitest';
import type { EventLog, ReceivedMessage, Subscription } from '../../src/ports/index.ts';

const text = (m: ReceivedMessage) => new TextDecoder().decode(m.payload);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Receives until `count` messages arrived or `timeoutMs` passed. */
export async function receiveAll(sub: Subscription, count: number, timeoutMs = 20_000): Promise<ReceivedMessage[]> {
  const out: ReceivedMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await sub.receive(count - out.length, 200)));
  return out;
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
