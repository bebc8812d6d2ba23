import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../../src/adapters/load/report/load-report.ts';

const run = promisify(execFile);

describe('refract load', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  describe('when run for 3 s at 200 events/s on the embedded adapters', () => {
    it('prints a line a second and the headline, and writes a JSON and an HTML report', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'refract-load-'));
      dirs.push(dir);
      const { stdout, stderr } = await run('npx', ['tsx', 'src/adapters/cli/main.ts', 'load', '--duration', '3', '--rate', '200', '--warmup', '1', '--report', dir], {
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      expect(stderr).toMatch(/ s measure target 200\/s published \d+\/s \| graph \d+\/s backlog \d+ p99 /);
      // Held or not depends on the machine's other load; the format and the counts do not.
      expect(stdout).toMatch(/rate 200 events\/s: (held|not held); published \d+ msg\/s/);
      expect(stdout).toMatch(/vector durable \d+ msg\/s, max backlog \d+, freshness p50 [\d.]+ s p95 [\d.]+ s p99 [\d.]+ s/);

      const files = await readdir(dir);
      const json = files.find((f) => f.endsWith('.json'));
      expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(1);
      const report = JSON.parse(await readFile(join(dir, json ?? ''), 'utf8')) as LoadReport;
      const measured = report.samples.filter((s) => s.phase === 'measure');
      expect(measured.length).toBeGreaterThanOrEqual(2);
      // The open loop published what the clock asked, give or take a slice and the duplicates.
      const published = report.samples.reduce((a, s) => a + s.published, 0);
      expect(published).toBeGreaterThanOrEqual(800);
      expect(published).toBeLessThanOrEqual(200 * 4 * 1.1);
      expect(report.tally.events).toBe(800);
      expect(report.drained).toBe(true);
      // Every message (duplicates too) is written or found stale on the graph leg: one freshness figure each.
      expect(report.samples.reduce((a, s) => a + s.legs.graph.durable, 0)).toBe(report.tally.messages);
      expect(report.headline.freshness.graph?.count).toBeGreaterThanOrEqual(0.9 * 200 * 3);
      expect(report.headline.freshness.vector?.count).toBeGreaterThan(0);
      expect(report.adapters).toMatchObject({ eventLog: 'memory', embedderModel: expect.stringContaining('hashing') as unknown });
      expect(report.machine.cpuCount).toBeGreaterThan(0);
      const html = await readFile(join(dir, files.find((f) => f.endsWith('.html')) ?? ''), 'utf8');
      expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
    });
  });

  describe('when a share is out of range', () => {
    it('fails at start-up naming the flag', async () => {
      const failure = await run('npx', ['tsx', 'src/adapters/cli/main.ts', 'load', '--delete-share', '1.5']).catch((e: unknown) => e as { stderr: string; code: number });
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toMatch(/--delete-share must be a share between 0 and 1.*CONFIG.INVALID/);
    });
  });
});
