import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startRunner } from '../support/runner-process.ts';
import { leaks, secureRun, stackSecrets, type CommandOutput } from '../support/secure-run.ts';

/**
 * A whole pipeline on secured servers (docs/adr/0022): Pulsar with a token over TLS, JanusGraph
 * with SASL over TLS, OpenSearch with the security plugin. The demo publishes banking events
 * (some malformed, so there are dead letters), both legs project them; then an operator's
 * commands run against the same servers: a long-running `refract run`, `status`, the dead
 * letters, `reconcile` and `search`. Everything they printed, every file they wrote, the dead
 * letters themselves and the machine's process listing are searched for every secret of the
 * stack, in every form it could take. Logs are at debug level, the most they ever say.
 */
const run = secureRun('pipeline');
const printed: Record<string, string> = {};
let idPrefix: string | undefined;

afterAll(async () => {
  await run.cleanUp(idPrefix);
  rmSync(run.workDir, { recursive: true, force: true });
}, 120_000);

const keep = (name: string, out: CommandOutput): CommandOutput => {
  printed[`${name} (stdout)`] = out.stdout;
  printed[`${name} (stderr)`] = out.stderr;
  return out;
};

describe('a pipeline on secured servers', () => {
  it('projects the demo into both read models, and no secret appears in anything it printed, wrote or dead-lettered', async () => {
    const servers = ['--event-log', 'pulsar', '--graph', 'janusgraph', '--vectors', 'opensearch'];
    const debug = { REFRACT_LOG_LEVEL: 'debug' };

    const demo = keep('demo', await run.refract(['demo', ...servers, '--entities', '150', '--malformed', '0.03'], debug));
    expect(demo.code, demo.stderr).toBe(0);
    idPrefix = /ids prefixed "([^"]+)"/.exec(demo.stdout)?.[1];
    expect(idPrefix).toBeDefined();
    const vertices = Number(/read models\s+(\d+) vertices/.exec(demo.stdout)?.[1]);
    const persons = Number(/vector documents: person (\d+)/.exec(demo.stdout)?.[1]);
    expect(vertices).toBeGreaterThan(100);
    expect(persons).toBeGreaterThan(10);
    expect(demo.stdout).toMatch(/dead-lettered [1-9]/);

    // A runner as an operator starts it, with its process listing read while it runs.
    const metricsPort = await freePort();
    const runnerLog = join(run.workDir, 'runner.log');
    const runner = startRunner({ ...run.env, ...debug, REFRACT_METRICS_PORT: String(metricsPort) }, runnerLog);
    try {
      await waitForReady(metricsPort);
      printed['the runner\'s command line'] = readFileSync(`/proc/${runner.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      printed['the process listing'] = execFileSync('ps', ['-eo', 'pid,args', '--width', '100000'], { encoding: 'utf8' });
      const status = keep('status', await run.refract(['status', ...servers, '--metrics-port', String(metricsPort)]));
      expect(status.code, status.stdout + status.stderr).toBe(0);
      keep('status --json', await run.refract(['status', ...servers, '--metrics-port', String(metricsPort), '--json']));
    } finally {
      runner.kill('SIGTERM');
      await runner.exited;
    }

    for (const leg of ['graph', 'vector']) {
      const list = keep(`dead-letters list ${leg}`, await run.refract(['dead-letters', 'list', leg, '--json'], debug));
      expect(list.code, list.stderr).toBe(0);
      const ids = list.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids.length).toBeGreaterThan(0);
      keep(`dead-letters show ${leg}`, await run.refract(['dead-letters', 'show', leg, ids[0]!, '--json'], debug));
      keep(`dead-letters stats ${leg}`, await run.refract(['dead-letters', 'stats', leg], debug));
    }
    // The graph is shared with other runs on this server; the vector indices are this run's own.
    const reconcile = keep('reconcile', await run.refract(['reconcile', ...servers, '--only', 'vectors'], debug));
    expect(reconcile.code, reconcile.stdout + reconcile.stderr).toBe(0);
    expect(reconcile.stdout).toMatch(/vector index person: \d+ scanned, \d+ expected from the log, in step/);
    const search = keep('search', await run.refract(['search', 'a nurse who looks after sick children'], debug));
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toMatch(/nurse/);

    // Refusals too, at debug level: their errors and causes are printed, and searched as well.
    const wrongFile = join(run.workDir, 'wrong-password');
    writeFileSync(wrongFile, 'not-the-password\n');
    const refusals = [
      keep('status --json, OpenSearch refusing', await run.refract(['status', ...servers, '--json'], { ...debug, REFRACT_OPENSEARCH_PASSWORD_FILE: wrongFile })),
      keep('run, JanusGraph refusing', await run.refract(['run', ...servers], { ...debug, REFRACT_JANUSGRAPH_PASSWORD_FILE: wrongFile })),
      keep('dead-letters list, Pulsar refusing', await run.refract(['dead-letters', 'list', 'graph'], { ...debug, REFRACT_PULSAR_TOKEN_FILE: wrongFile })),
    ];
    expect(refusals.map((r) => r.code)).toEqual([1, 1, 1]);

    for (const file of filesUnder(run.workDir)) printed[`file ${file}`] = readFileSync(file, 'latin1');
    const secrets = stackSecrets();
    expect(secrets.every((s) => s.value.length >= 16)).toBe(true);
    expect(leaks(printed, secrets)).toEqual([]);
  }, 600_000);
});

/** Every file under a folder (the run's state folder, journals and runner log). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function waitForReady(port: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the runner did not become ready on port ${port} within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
