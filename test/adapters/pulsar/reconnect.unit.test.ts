import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../src/adapters/memory/memory-logger.ts';
import { openWithBackoff } from '../../../src/adapters/pulsar/reconnect.ts';
import { RefractError } from '../../../src/domain/index.ts';

const policy = { initialDelayMs: 1, maxDelayMs: 5, giveUpAfterMs: 10_000, busyGraceMs: 10 };

describe('reconnecting to Pulsar', () => {
  describe('when the broker is unreachable for a while', () => {
    it('logs every retry with its attempt and backoff, then connects', async () => {
      const logger = createMemoryLogger();
      let tries = 0;
      const opened = await openWithBackoff(() =>
        ++tries <= 2 ? Promise.reject(new RefractError('LOG.UNAVAILABLE', 'connection refused')) : Promise.resolve('session'), { ...policy, logger }, undefined, 'opening the consumer of persons');
      expect(opened).toBe('session');
      expect(logger.entries.map((e) => [e.level, e.fields['attempt']])).toEqual([['warn', 1], ['warn', 2]]);
      expect(logger.entries[0]?.message).toMatch(/^opening the consumer of persons: attempt 1 failed, retrying in \d+ ms: connection refused$/);
    });
  });

  describe('when the broker refuses', () => {
    it('gives up at once without a retry to log', async () => {
      const logger = createMemoryLogger();
      await expect(openWithBackoff(() => Promise.reject(new RefractError('CONFIG.INVALID', '401')), { ...policy, logger })).rejects.toThrow('401');
      expect(logger.entries).toEqual([]);
    });
  });
});
