import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerTopicsCommands } from '../../../src/adapters/cli/commands/topics.ts';
import type { TopologyReport } from '../../../src/adapters/pulsar/init-topology.ts';
import { RefractError } from '../../../src/domain/index.ts';
import { ONE_SHOT_RETRY } from '../../../src/runtime/retry.ts';
import { bookiesDown, recordedRetry } from './one-shot-fakes.ts';

const REPORT: TopologyReport = { steps: [{ what: 'tenant refract', outcome: 'created' }], changed: true };

/** `refract topics init` as main.ts runs it, with the topology call and the retry's clock and logger replaced. */
async function topicsInit(initTopology: () => Promise<TopologyReport>) {
  const recorded = recordedRetry();
  const program = new Command().exitOverride();
  registerTopicsCommands(program, { retry: recorded.retry, initTopology });
  const outcome = await program.parseAsync(['topics', 'init', '--pulsar-url', 'http://127.0.0.1:8080'], { from: 'user' }).then(() => undefined, (error: unknown) => error);
  const lines = (level: string) => recorded.logger.entries.filter((e) => e.level === level);
  return { outcome, warnings: lines('warn'), errors: lines('error'), infos: lines('info'), slept: recorded.clock.slept };
}

let stdout: string[] = [];
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout.push(String(chunk)); return true; });
});
afterEach(() => vi.restoreAllMocks());

describe('refract topics init', () => {
  describe('when the broker answers 500 twice (bookies not back yet), then works', () => {
    it('retries, logs each retry with its attempt and backoff, and succeeds', async () => {
      let calls = 0;
      const run = await topicsInit(() => (++calls <= 2 ? Promise.reject(bookiesDown()) : Promise.resolve(REPORT)));
      expect(run.outcome).toBeUndefined();
      expect(calls).toBe(3);
      expect(run.warnings.map((w) => [w.fields['what'], w.fields['attempt'], w.fields['maxAttempts']])).toEqual([['topics init', 1, 8], ['topics init', 2, 8]]);
      expect(run.warnings.every((w) => typeof w.fields['delayMs'] === 'number' && /Not enough non-faulty bookies/.test(w.message))).toBe(true);
      expect(run.slept).toEqual(run.warnings.map((w) => w.fields['delayMs']));
      expect(run.infos.map((i) => i.message)).toEqual(['topics init: succeeded after 3 attempts']);
      expect(stdout.join('')).toContain('created  tenant refract');
    });
  });

  describe('when the broker keeps answering 500', () => {
    it(`gives up after ${ONE_SHOT_RETRY.maxAttempts} attempts with an error that says so (main exits 1 on it), every attempt logged`, async () => {
      let calls = 0;
      const run = await topicsInit(() => { calls++; return Promise.reject(bookiesDown()); });
      expect(calls).toBe(ONE_SHOT_RETRY.maxAttempts);
      expect(run.outcome).toMatchObject({ code: 'LOG.UNAVAILABLE', message: expect.stringMatching(/^topics init failed 8 times, giving up: .*Not enough non-faulty bookies/) as unknown });
      expect(run.warnings.map((w) => w.fields['attempt'])).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]?.fields).toMatchObject({ what: 'topics init', attempt: 8 });
      expect(stdout.join('')).toBe('');
    });
  });

  describe('when the broker refuses (a configuration error)', () => {
    it('fails at once, without retrying', async () => {
      let calls = 0;
      const refusal = new RefractError('CONFIG.INVALID', 'Pulsar at http://127.0.0.1:8080 refused GET /admin/v2/tenants/refract (401)');
      const run = await topicsInit(() => { calls++; return Promise.reject(refusal); });
      expect(run.outcome).toBe(refusal);
      expect(calls).toBe(1);
      expect(run.warnings).toEqual([]);
    });
  });
});
