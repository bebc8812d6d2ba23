import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEAD_LETTER_TOPICS, DEAD_LETTER_SUBSCRIPTION } from '../../../src/adapters/pulsar/dead-letter-topics.ts';
import { BANKING_TOPIC_NAMES } from '../../../src/domain/index.ts';

const run = promisify(execFile);
const NS = '/admin/v2/namespaces/refract/banking';
const TOPICS = '/admin/v2/persistent/refract/banking';

/** The admin API of a broker where `topics init` already ran: every GET finds what it looks for. */
const present: Record<string, unknown> = {
  '/admin/v2/tenants/refract': {},
  '/admin/v2/namespaces/refract': ['refract/banking'],
  [`${NS}/deduplication`]: true,
  [`${NS}/retention`]: { retentionTimeInMinutes: -1, retentionSizeInMB: -1 },
  [TOPICS]: [...BANKING_TOPIC_NAMES, ...DEFAULT_DEAD_LETTER_TOPICS].map((t) => `persistent://refract/banking/${t}`),
  [`${TOPICS}/partitioned`]: [],
  ...Object.fromEntries(DEFAULT_DEAD_LETTER_TOPICS.map((t) => [`${TOPICS}/${t}/subscriptions`, [DEAD_LETTER_SUBSCRIPTION]])),
};

/** A broker that answers its first `failures` requests with the 500 Pulsar gave after a kill -9 (Infinity: all of them). */
async function broker(failures: number) {
  let seen = 0;
  const server = http.createServer((request, response) => {
    const path = request.url ?? '';
    const body = ++seen <= failures ? { reason: 'Not enough non-faulty bookies available' } : present[path] ?? { reason: 'Not found' };
    response.writeHead(seen <= failures ? 500 : path in present ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const topicsInit = (url: string) =>
  run('npx', ['tsx', 'src/adapters/cli/main.ts', 'topics', 'init', '--pulsar-url', url], { env: { ...process.env, FORCE_COLOR: '0' } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: unknown) => e as { code: number; stdout: string; stderr: string });
const retries = (stderr: string) => stderr.match(/topics init: attempt \d of 8 failed, retrying in \d+ ms/g) ?? [];

describe('refract topics init', () => {
  describe('when the broker answers 500 to the first two requests', () => {
    it('logs two retries and succeeds', async () => {
      const result = await topicsInit(await broker(2));
      expect(result.code).toBe(0);
      expect(retries(result.stderr)).toHaveLength(2);
      expect(result.stderr).toContain('topics init: succeeded after 3 attempts');
      expect(result.stdout).toMatch(/nothing changed: all \d+ already present/);
    });
  });

  describe('when the broker answers 500 to everything', () => {
    it('logs every retry, then exits 1 with a message that says it gave up and why', async () => {
      const url = await broker(Infinity);
      const result = await topicsInit(url);
      expect(result.code).toBe(1);
      expect(retries(result.stderr)).toHaveLength(7);
      expect(result.stderr).toContain(`refract: topics init failed 8 times, giving up: Pulsar admin API at ${url} answered 500`);
      expect(result.stderr).toMatch(/Not enough non-faulty bookies available \[LOG.UNAVAILABLE\]\n$/);
    });
  });
});
