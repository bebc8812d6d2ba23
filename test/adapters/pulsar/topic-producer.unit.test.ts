import { describe, expect, it } from 'vitest';
import { createTopicProducer } from '../../../src/adapters/pulsar/topic-producer.ts';
import type { OutgoingFrame } from '../../../src/adapters/pulsar/transport.ts';
import { fakeTransport, ok, unavailable } from './fake-transport.ts';

const frames = (n: number): OutgoingFrame[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, payload: new Uint8Array([i]), properties: {} }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const policy = (giveUpAfterMs: number, delayMs = 10) => ({ initialDelayMs: delayMs, maxDelayMs: delayMs, giveUpAfterMs, busyGraceMs: 0 });

describe('createTopicProducer', () => {
  describe('when the connection drops after the call has run longer than the resend budget', () => {
    it('still resends the unanswered messages: the budget counts from the last connection that answered', async () => {
      const fake = fakeTransport({ producer: (_topic, n) => Promise.resolve(n === 0 ? (_f, i) => (i < 5 ? ok() : 'hold') : ok) });
      const producer = createTopicProducer(fake.transport, 't', { maxInFlight: 100, reconnect: policy(300) });
      const sending = producer.sendAll(frames(10));
      await sleep(400); // a long publish
      fake.producers[0]?.cut();
      const outcomes = await sending;
      expect(outcomes.filter((o) => o.ok)).toHaveLength(10);
      expect(fake.producers[1]?.sent.map((f) => f.key)).toEqual(['k5', 'k6', 'k7', 'k8', 'k9']);
      await producer.close();
    });
  });

  describe('when sends fail on a connection whose close has not been reported yet', () => {
    it('opens a new connection for the resend instead of retrying on the dead one', async () => {
      const fake = fakeTransport({ producer: (_topic, n) => Promise.resolve(n === 0 ? () => 'lost' : ok) });
      const producer = createTopicProducer(fake.transport, 't', { maxInFlight: 100, reconnect: policy(200) });
      const outcomes = await producer.sendAll(frames(3));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      expect(fake.attempts('t')).toBe(2);
      expect(fake.producers[0]?.sent).toHaveLength(3); // not resent there
      await producer.close();
    });
  });

  describe('when every connection is cut before the broker answers anything', () => {
    it('gives up after the resend budget with retryable outcomes instead of resending for ever', async () => {
      const fake = fakeTransport({ producer: () => Promise.resolve(() => 'hold') });
      const cutter = setInterval(() => fake.producers.forEach((p) => p.cut()), 20);
      try {
        const producer = createTopicProducer(fake.transport, 't', { maxInFlight: 100, reconnect: policy(200) });
        const outcomes = await producer.sendAll(frames(3));
        expect(outcomes).toEqual(frames(3).map(() => ({ ok: false, reason: expect.stringMatching(/kept dropping/) as unknown, unavailable: true })));
        await producer.close();
      } finally {
        clearInterval(cutter);
      }
    });
  });

  describe('when it is closed while the broker is unreachable', () => {
    it('stops reconnecting at once: close() does not wait out the reconnect budget', async () => {
      const fake = fakeTransport({ producer: () => Promise.reject(unavailable()) });
      const producer = createTopicProducer(fake.transport, 't', { maxInFlight: 100, reconnect: policy(30_000, 5_000) });
      const sending = producer.sendAll(frames(2));
      await sleep(50); // the first attempt failed; cockatiel sleeps 5 s before the next
      const started = Date.now();
      const closed = await Promise.race([producer.close().then(() => 'closed'), sleep(2_000).then(() => 'still waiting')]);
      expect(closed).toBe('closed');
      expect(Date.now() - started).toBeLessThan(500);
      expect(await sending).toEqual([0, 1].map(() => ({ ok: false, reason: 'producer for t was closed', unavailable: true })));
      expect(fake.attempts('t')).toBe(1);
    });

    it('closes a connection that opens after close() was called', async () => {
      const fake = fakeTransport({ producer: async () => { await sleep(200); return ok; } });
      const producer = createTopicProducer(fake.transport, 't', { maxInFlight: 100, reconnect: policy(30_000) });
      const sending = producer.sendAll(frames(1));
      await sleep(20);
      await producer.close();
      expect((await sending)[0]).toMatchObject({ ok: false, unavailable: true });
      await sleep(300);
      expect(fake.producers).toHaveLength(1);
      expect(fake.producers[0]?.closed).toBe(true);
      expect(fake.producers[0]?.sent).toEqual([]);
    });
  });

  describe('when a message is too large to send', () => {
    it('reports it as failed for good and does not resend it', async () => {
      const fake = fakeTransport({
        producer: () => Promise.resolve((f) => (f.key === 'k1' ? { ok: false, reason: 'message too large', tooLarge: true } : ok())),
      });
      const producer = createTopicProducer(fake.transport, 't', { maxInFlight: 100, reconnect: policy(1_000) });
      const outcomes = await producer.sendAll(frames(3));
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      expect(outcomes[1]).toMatchObject({ tooLarge: true });
      expect(fake.producers[0]?.sent).toHaveLength(3);
      await producer.close();
    });
  });
});
