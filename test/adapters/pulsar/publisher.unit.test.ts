import { describe, expect, it } from 'vitest';
import { createPublisher } from '../../../src/adapters/pulsar/publisher.ts';
import { isRefractError } from '../../../src/domain/index.ts';
import type { OutgoingMessage } from '../../../src/ports/index.ts';
import { fakeTransport, ok, refused, unavailable } from './fake-transport.ts';

const message = (topic: string, n: number): OutgoingMessage => ({ topic, key: `k${n}`, payload: new Uint8Array([n]), properties: {} });
const reconnect = { initialDelayMs: 10, maxDelayMs: 10, giveUpAfterMs: 100, busyGraceMs: 0 };

describe('createPublisher', () => {
  describe('when the broker refuses the producer of one topic of a batch', () => {
    it('persists the other topics and reports the refused topic\'s positions as failed, with the broker\'s reason', async () => {
      const fake = fakeTransport({ producer: (topic) => (topic === 'a' ? Promise.reject(refused('a', 'ProducerBusy: name taken')) : Promise.resolve(ok)) });
      const publisher = createPublisher(fake.transport, { maxInFlight: 10, reconnect });
      const result = await publisher.publish([message('a', 0), message('b', 1), message('a', 2), message('b', 3)]);
      expect(result.persisted).toBe(2);
      expect(result.failed).toEqual([0, 2].map((position) => ({ position, reason: expect.stringMatching(/refused a.*ProducerBusy/) as unknown, retryable: false })));
      await publisher.close();
    });
  });

  describe('when the broker refuses every topic of the batch', () => {
    it('throws its refusal', async () => {
      const fake = fakeTransport({ producer: (topic) => Promise.reject(refused(topic, 'ProducerBusy: name taken')) });
      const publisher = createPublisher(fake.transport, { maxInFlight: 10, reconnect });
      const error: unknown = await publisher.publish([message('a', 0), message('b', 1)]).catch((e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('LOG.REFUSED');
      await publisher.close();
    });
  });

  describe('when the broker cannot be reached at all', () => {
    it('throws a retryable LOG.UNAVAILABLE', async () => {
      const fake = fakeTransport({ producer: () => Promise.reject(unavailable()) });
      const publisher = createPublisher(fake.transport, { maxInFlight: 10, reconnect });
      const error: unknown = await publisher.publish([message('a', 0), message('b', 1)]).catch((e: unknown) => e);
      expect(isRefractError(error) && error.code).toBe('LOG.UNAVAILABLE');
      expect(isRefractError(error) && error.retryable).toBe(true);
      await publisher.close();
    });
  });

  describe('when some sends of a batch fail on a connection that answered others', () => {
    it('reports those as failed and worth publishing again', async () => {
      const fake = fakeTransport({ producer: () => Promise.resolve((f) => (f.key === 'k1' ? { ok: false, reason: 'send-error:3: PersistenceException' } : ok())) });
      const publisher = createPublisher(fake.transport, { maxInFlight: 10, reconnect });
      expect(await publisher.publish([message('a', 0), message('a', 1)])).toEqual({ persisted: 1, failed: [{ position: 1, reason: 'send-error:3: PersistenceException', retryable: true }] });
      await publisher.close();
    });
  });

  describe('when a message is too large to send', () => {
    it('reports it as failed and marks it too large', async () => {
      const fake = fakeTransport({ producer: () => Promise.resolve((f) => (f.key === 'k1' ? { ok: false, reason: 'too large', tooLarge: true } : ok())) });
      const publisher = createPublisher(fake.transport, { maxInFlight: 10, reconnect });
      expect(await publisher.publish([message('a', 0), message('a', 1)])).toEqual({ persisted: 1, failed: [{ position: 1, reason: 'too large', retryable: false, tooLarge: true }] });
      await publisher.close();
    });
  });
});
