import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/adapters/config/config.ts';
import { gatherStatus, type StatusReport } from '../../../src/adapters/ops/status.ts';
import { initTopology } from '../../../src/adapters/pulsar/init-topology.ts';
import { createPulsarEventLog } from '../../../src/adapters/pulsar/pulsar-event-log.ts';
import { generateBankingEvents } from '../../../src/adapters/synthetic/banking-generator.ts';
import { cleanUpRun } from '../../support/clean-up.ts';
import { serviceEndpoints } from '../../support/endpoints.ts';
import { messageOf, withPrefix } from '../../support/prefixed-events.ts';
import { startRunner, type RunnerProcess } from '../../support/runner-process.ts';
import type { RunNamespace } from '../../support/subscription-stats.ts';

/**
 * `refract status` on the real servers: it sees a running `refract run` (its /readyz), the
 * servers, and each leg's backlog, runners and dead letters from Pulsar; once the runner is
 * gone it says so and exits 1.
 */
const nonce = randomUUID().slice(0, 6);
const prefix = `status-${nonce}-`;
const where: RunNamespace = { webUrl: serviceEndpoints('pulsar').webUrl, tenant: 'status', namespace: `run-${nonce}` };
const { gremlinUrl } = serviceEndpoints('janusgraph');
const opensearchUrl = serviceEndpoints('opensearch').url;
const workDir = mkdtempSync(join(tmpdir(), `refract-status-${nonce}-`));
const logFile = join(workDir, 'runner.log');
let runner: RunnerProcess | undefined;

afterAll(async () => {
  runner?.kill('SIGKILL');
  await runner?.exited;
  await cleanUpRun({ where, gremlinUrl, opensearchUrl, prefix });
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('refract status on the real servers', () => {
  it('reports the servers, each leg and a ready runner, and says when the runner is gone', async () => {
    const port = await freePort();
    const env = {
      REFRACT_EVENT_LOG: 'pulsar', REFRACT_GRAPH: 'janusgraph', REFRACT_VECTORS: 'opensearch',
      REFRACT_PULSAR_URL: where.webUrl, REFRACT_PULSAR_TENANT: where.tenant, REFRACT_PULSAR_NAMESPACE: where.namespace,
      REFRACT_JANUSGRAPH_URL: gremlinUrl, REFRACT_OPENSEARCH_URL: opensearchUrl, REFRACT_METRICS_PORT: String(port),
      REFRACT_STATE_DIR: join(workDir, 'state'),
    };
    const config = loadConfig({}, { ...process.env, ...env });
    const runnerUrl = `http://127.0.0.1:${port}`;
    await initTopology({ adminUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace });
    runner = startRunner(env, logFile);
    await until('the runner answers /readyz', async () => (await gatherStatus(config, runnerUrl)).runner.answering, 90_000);

    const events = generateBankingEvents({
      seed: 3, entities: 60, updatesPerEntity: 1, deleteShare: 0, duplicateShare: 0, textChangeShare: 0.2,
    }).flatMap((m) => (m.event ? [messageOf(withPrefix(m.event, prefix))] : []));
    const log = createPulsarEventLog({ webUrl: where.webUrl, tenant: where.tenant, namespace: where.namespace, producerName: `status-${nonce}` });
    try {
      expect((await log.publish(events)).failed).toEqual([]);
    } finally {
      await log.close();
    }

    let report: StatusReport | undefined;
    await until('both legs drained with the runner ready', async () => {
      report = await gatherStatus(config, runnerUrl);
      return report.ok && report.legs.every((l) => l.backlog === 0);
    }, 90_000);
    const ready = report!;
    expect(ready.servers.map((s) => [s.name, s.up])).toEqual([['pulsar', true], ['janusgraph', true], ['opensearch', true]]);
    expect(ready.legs.map((l) => [l.leg, l.backlog, l.consumers, l.deadLetters])).toEqual([['graph', 0, 1, 0], ['vector', 0, 1, 0]]);
    expect(ready.runner.readiness?.legs.map((l) => [l.leg, l.ready, l.state])).toEqual([['graph', true, 'healthy'], ['vector', true, 'healthy']]);
    for (const leg of ready.runner.readiness?.legs ?? []) expect(leg.lastProgressAgoSeconds).toBeLessThan(10);

    const cli = await refractStatus(env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^Refract status at .*: OK$/m);
    expect(cli.stdout).toMatch(new RegExp(`runner at ${runnerUrl}: ready`));

    runner.kill('SIGTERM');
    expect(await runner.exited, readFileSync(logFile, 'utf8')).toEqual({ code: 0, signal: null });
    runner = undefined;
    const gone = await refractStatus(env, ['--json']);
    expect(gone.code).toBe(1);
    const after = JSON.parse(gone.stdout) as StatusReport;
    expect(after.ok).toBe(false);
    expect(after.runner).toMatchObject({ answering: false });
    expect(after.runner.error).toMatch(/ECONNREFUSED/);
  }, 240_000);
});

async function refractStatus(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/adapters/cli/main.ts', 'status', ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    await sleep(500);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
