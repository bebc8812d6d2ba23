import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPulsarDeadLetters } from '../../../src/adapters/pulsar/pulsar-dead-letters.ts';
import { deadLettersContract, someLetter } from '../../contract/dead-letters.contract.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { pulsarTestNamespace } from './pulsar-test-setup.ts';

const { webUrl } = serviceEndpoints('pulsar');
let ns: Awaited<ReturnType<typeof pulsarTestNamespace>>;
beforeAll(async () => { ns = await pulsarTestNamespace(webUrl); });
afterAll(async () => { await ns.drop(); });

// Every leg a test names gets a dead-letter topic of its own; a read waits 1.5 s for letters another session holds.
let legs = 0;
deadLettersContract('pulsar', () => Promise.resolve({
  deadLetters: createPulsarDeadLetters({ webUrl, tenant: ns.tenant, namespace: ns.namespace, listTimeoutMs: 1_500 }),
  leg: () => `leg-${++legs}`,
}));

describe('Pulsar dead letters read back', () => {
  describe('when a letter was too large to keep whole', () => {
    it('says how many payload bytes were left out, so a re-drive can refuse it', async () => {
      const deadLetters = createPulsarDeadLetters({ webUrl, tenant: ns.tenant, namespace: ns.namespace, listTimeoutMs: 1_500 });
      const leg = `leg-${++legs}`;
      await deadLetters.send([{ ...someLetter(leg, 1), payload: new Uint8Array(6_500_000).fill(1) }, someLetter(leg, 2)]);
      const byKey = new Map((await deadLetters.list(leg, 10)).map((l) => [l.key, l]));
      expect(byKey.get('k-1')?.payloadOmitted).toBe(6_500_000);
      expect(byKey.get('k-2')).not.toHaveProperty('payloadOmitted');
    });
  });
});
