import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToEnd } from '../../contract/event-log.contract.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { bytes, pulsarTestNamespace, text } from './pulsar-test-setup.ts';

const { webUrl } = serviceEndpoints('pulsar');
let ns: Awaited<ReturnType<typeof pulsarTestNamespace>>;
beforeAll(async () => { ns = await pulsarTestNamespace(webUrl); });
afterAll(async () => { await ns.drop(); });

const subscriptionsOf = async (topic: string) =>
  (await (await fetch(`${webUrl}/admin/v2/persistent/${ns.tenant}/${ns.namespace}/${topic}/subscriptions`)).json()) as string[];

describe('Pulsar log reader', () => {
  describe('when two topics are read while more is published', () => {
    it('reads each to its end in order, and leaves no subscription behind once closed', async () => {
      const [a, b] = [await ns.freshTopic('read'), await ns.freshTopic('read')];
      const log = ns.log();
      await log.publish(Array.from({ length: 1500 }, (_, i) => ({ topic: i % 3 ? a : b, key: `k${i % 7}`, payload: bytes(`m${i}`), properties: {} })));
      const reader = await log.read({ topics: [a, b] });
      expect((await subscriptionsOf(a)).filter((s) => s.startsWith('refract-read-'))).toHaveLength(1);
      const trickle = log.publish(Array.from({ length: 200 }, (_, i) => ({ topic: a, key: 'late', payload: bytes(`late${i}`), properties: {} })));
      const all = (await readToEnd(reader, 100, 60_000)).flat();
      await trickle;
      const early = all.filter((m) => !text(m.payload).startsWith('late'));
      expect(early).toHaveLength(1500);
      for (const topic of [a, b]) {
        const numbers = early.filter((m) => m.topic === topic).map((m) => Number(text(m.payload).slice(1)));
        expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
      }
      await reader.extend();
      const late = (await readToEnd(reader, 100)).flat().map((m) => text(m.payload));
      expect(new Set([...all.map((m) => text(m.payload)), ...late]).size).toBe(1700);
      await reader.close();
      expect(await subscriptionsOf(a)).toEqual([]);
      expect(await subscriptionsOf(b)).toEqual([]);
    });
  });
});
