import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../src/adapters/memory/memory-logger.ts';
import { startOpsServer, type OpsServer, type OpsServerOptions } from '../../../src/adapters/ops/ops-server.ts';
import { createPrometheusMetrics } from '../../../src/adapters/prometheus/prometheus-metrics.ts';
import { RefractError } from '../../../src/domain/index.ts';
import type { LegHealth } from '../../../src/runtime/index.ts';

const T0 = 1_800_000_000_000;
const LEGS = ['graph', 'vector'] as const;
type LegName = (typeof LEGS)[number];

const started: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** An ops server on a free local port, with a clock, the legs' health and the log's answers all in the test's hands. */
async function serve(overrides: Partial<OpsServerOptions> = {}, { heartbeat = true } = {}) {
  const world = {
    now: T0,
    health: { graph: { state: 'healthy', since: T0 - 600_000 }, vector: { state: 'healthy', since: T0 - 600_000 } } as Record<LegName, LegHealth>,
    backlog: { graph: 0, vector: 0 } as Record<LegName, number | undefined | Error>,
    deadLetters: { graph: 0, vector: 0 } as Record<LegName, number | Error>,
    backlogCalls: 0,
  };
  const answer = <V>(value: V | Error) => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value));
  const metrics = createPrometheusMetrics({ defaultMetrics: false });
  const logger = createMemoryLogger();
  const server = await startOpsServer({
    host: '127.0.0.1', port: 0, metrics, legs: LEGS, logger,
    health: (leg) => world.health[leg as LegName],
    backlog: (leg) => {
      world.backlogCalls += 1;
      return answer(world.backlog[leg as LegName]);
    },
    deadLetterDepth: (leg) => answer(world.deadLetters[leg as LegName]),
    policy: { stallAfterMs: 60_000, storeGraceMs: 30_000 },
    now: () => world.now,
    ...overrides,
  });
  started.push(server);
  if (heartbeat) for (const leg of LEGS) metrics.heartbeat(leg, T0 - 1_000);
  const get = (path: string, init?: RequestInit) => fetch(`${server.address}${path}`, init);
  return { world, metrics, logger, server, get };
}

/** Sends `request` as raw bytes (no client would build it) and gives back the status line of the answer. */
function rawRequest(address: string, request: string): Promise<string> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.setTimeout(2_000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(request)}`)));
    socket.on('data', (chunk) => (reply += String(chunk)));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply.split('\r\n')[0] ?? ''));
  });
}

const readyzBody = async (response: Response) => (await response.json()) as {
  ready: boolean;
  legs: { leg: string; ready: boolean; state: string; backlog: number | null; lastProgressAgoSeconds: number | null; reason?: string }[];
};

describe('the ops server', () => {
  it('binds the port it was given 0 for and says which in its address', async () => {
    const { server } = await serve();
    expect(server.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.address).not.toMatch(/:0$/);
  });

  describe('GET /livez', () => {
    it('answers 200 while the process answers, whatever the legs\u2019 state', async () => {
      const { world, get } = await serve();
      world.health.graph = { state: 'stopped', since: T0, reason: 'boom' };
      const response = await get('/livez');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok\n');
    });
  });

  describe('GET /metrics', () => {
    it('answers in the Prometheus text format, with backlog and dead-letter depth asked of the log at scrape time', async () => {
      const { world, metrics, get } = await serve();
      world.backlog = { graph: 42, vector: 7 };
      world.deadLetters = { graph: 3, vector: 0 };
      const response = await get('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(metrics.registry.contentType);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('refract_backlog_messages{leg="graph"} 42\n');
      expect(text).toContain('refract_backlog_messages{leg="vector"} 7\n');
      expect(text).toContain('refract_dead_letter_messages{leg="graph"} 3\n');
      expect(text).toContain('refract_dead_letter_messages{leg="vector"} 0\n');
      expect(text).toContain(`refract_last_progress_timestamp_seconds{leg="graph"} ${(T0 - 1_000) / 1000}\n`);
    });

    it('asks the log again once its last sample is a second old, and not before', async () => {
      const { world, get } = await serve();
      world.backlog.graph = 5;
      await (await get('/metrics')).text();
      const calls = world.backlogCalls;
      world.backlog.graph = 8;
      world.now = T0 + 999;
      expect(await (await get('/metrics')).text()).toContain('refract_backlog_messages{leg="graph"} 5\n');
      expect(world.backlogCalls).toBe(calls);
      world.now = T0 + 1_000;
      expect(await (await get('/metrics')).text()).toContain('refract_backlog_messages{leg="graph"} 8\n');
      expect(world.backlogCalls).toBe(calls + LEGS.length);
    });

    it('asks the log once for a scrape and a probe that come together, and both answer with that sample', async () => {
      let calls = 0;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const { get } = await serve({ backlog: async () => { calls += 1; await gate; return 9; } });
      const scrape = get('/metrics');
      const probe = get('/readyz');
      while (calls < LEGS.length) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, 20));
      release();
      const [metrics, readyz] = await Promise.all([scrape, probe]);
      expect(calls).toBe(LEGS.length);
      expect(await metrics.text()).toContain('refract_backlog_messages{leg="graph"} 9\n');
      expect((await readyzBody(readyz)).legs.map((l) => l.backlog)).toEqual([9, 9]);
    });

    it('still answers 200 when the log cannot be asked, with what it could sample', async () => {
      const { world, get } = await serve();
      world.backlog = { graph: new Error('admin API down'), vector: 4 };
      world.deadLetters = { graph: 1, vector: new RefractError('LOG.UNAVAILABLE', 'broker restarting') };
      const response = await get('/metrics');
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toMatch(/refract_backlog_messages\{leg="graph"\}/);
      expect(text).toContain('refract_backlog_messages{leg="vector"} 4\n');
      expect(text).toContain('refract_dead_letter_messages{leg="graph"} 1\n');
      expect(text).not.toMatch(/refract_dead_letter_messages\{leg="vector"\}/);
    });

    it('keeps the last values a leg had while the log cannot be asked', async () => {
      const { world, get } = await serve();
      world.backlog.graph = 42;
      world.deadLetters.graph = 3;
      await (await get('/metrics')).text();
      world.backlog.graph = new Error('admin API down');
      world.deadLetters.graph = new Error('admin API down');
      world.now = T0 + 5_000;
      const text = await (await get('/metrics')).text();
      expect(text).toContain('refract_backlog_messages{leg="graph"} 42\n');
      expect(text).toContain('refract_dead_letter_messages{leg="graph"} 3\n');
    });

    it('warns once when sampling a leg starts failing, naming the leg and the error, and says when it works again', async () => {
      const { world, get, logger } = await serve();
      world.backlog.graph = new Error('admin API down');
      for (const at of [0, 2_000, 4_000]) {
        world.now = T0 + at;
        await (await get('/metrics')).text();
      }
      const said = (level: string) => logger.entries.filter((e) => e.level === level).map((e) => [e.message, e.fields['leg']]);
      expect(said('warn')).toHaveLength(1);
      expect(said('warn')[0]?.[0]).toMatch(/graph.*admin API down/);
      expect(said('warn')[0]?.[1]).toBe('graph');
      world.backlog.graph = 1;
      world.now = T0 + 6_000;
      await (await get('/metrics')).text();
      expect(said('info')).toEqual([[expect.stringMatching(/graph .*works again/), 'graph']]);
    });
  });

  describe('GET /readyz', () => {
    it('answers 200 with each leg\u2019s verdict when every leg is ready', async () => {
      const { world, get } = await serve();
      world.backlog = { graph: 3, vector: 0 };
      const response = await get('/readyz');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await readyzBody(response)).toEqual({
        ready: true,
        legs: [
          { leg: 'graph', ready: true, state: 'healthy', backlog: 3, lastProgressAgoSeconds: 1 },
          { leg: 'vector', ready: true, state: 'healthy', backlog: 0, lastProgressAgoSeconds: 1 },
        ],
      });
    });

    it('answers 503 naming the stalled leg once it has a backlog and no progress for stallAfterMs', async () => {
      const { world, metrics, get } = await serve();
      world.backlog = { graph: 0, vector: 25 };
      metrics.heartbeat('graph', T0 + 60_000);
      world.now = T0 + 58_000;
      expect((await get('/readyz')).status).toBe(200);
      world.now = T0 + 61_000;
      const response = await get('/readyz');
      expect(response.status).toBe(503);
      const body = await readyzBody(response);
      expect(body.ready).toBe(false);
      expect(body.legs.find((l) => l.leg === 'graph')).toMatchObject({ ready: true });
      expect(body.legs.find((l) => l.leg === 'vector')).toMatchObject({
        ready: false, backlog: 25, lastProgressAgoSeconds: 62,
        reason: 'stalled: backlog 25 and no progress for 62 s (limit 60 s)',
      });
    });

    it('answers 503 for a leg degraded past the grace period and for a stopped one, with their reasons', async () => {
      const { world, get } = await serve();
      world.health.graph = { state: 'degraded', since: T0 - 31_000, reason: 'STORE.UNAVAILABLE: connection refused' };
      world.health.vector = { state: 'stopped', since: T0, reason: 'CONFIG.INVALID: 401' };
      const response = await get('/readyz');
      expect(response.status).toBe(503);
      const body = await readyzBody(response);
      expect(body.legs.map((l) => l.reason)).toEqual([
        'degraded for 31 s (grace 30 s): STORE.UNAVAILABLE: connection refused',
        'stopped: CONFIG.INVALID: 401',
      ]);
    });

    it('treats the backlog as unknown, not as an error, when the log cannot be asked', async () => {
      const { world, get } = await serve();
      world.backlog = { graph: new Error('admin API down'), vector: undefined };
      world.now = T0 + 3_600_000;
      const response = await get('/readyz');
      expect(response.status).toBe(200);
      const body = await readyzBody(response);
      expect(body.legs.map((l) => [l.leg, l.ready, l.backlog])).toEqual([['graph', true, null], ['vector', true, null]]);
    });

    it('keeps a stall visible with the last backlog while the log cannot be asked', async () => {
      const { world, get } = await serve();
      world.backlog.vector = 25;
      expect((await get('/readyz')).status).toBe(200);
      world.backlog.vector = new Error('admin API down');
      world.now = T0 + 120_000;
      const response = await get('/readyz');
      expect(response.status).toBe(503);
      expect((await readyzBody(response)).legs[1]).toMatchObject({ leg: 'vector', ready: false, backlog: 25 });
    });

    it('answers within seconds with the last values when the log does not answer at all', async () => {
      let hang = false;
      const { world, get } = await serve({ backlog: (leg) => (hang ? new Promise<never>(() => undefined) : Promise.resolve(leg === 'vector' ? 25 : 0)) });
      expect((await get('/readyz')).status).toBe(200);
      hang = true;
      world.now = T0 + 120_000;
      const asked = Date.now();
      const response = await get('/readyz');
      expect(Date.now() - asked).toBeLessThan(4_000);
      expect(response.status).toBe(503);
      expect((await readyzBody(response)).legs[1]).toMatchObject({ leg: 'vector', ready: false, backlog: 25 });
    });

    it('treats a probe that throws instead of rejecting like one that rejects', async () => {
      const { world, get } = await serve({
        backlog: (leg) => {
          if (leg === 'graph') throw new Error('no admin client');
          return Promise.resolve(2);
        },
        deadLetterDepth: () => {
          throw new Error('no dead-letter topic');
        },
      });
      world.now = T0 + 3_600_000;
      const response = await get('/readyz');
      expect(response.status).toBe(503);
      expect((await readyzBody(response)).legs.map((l) => [l.leg, l.ready, l.backlog])).toEqual([['graph', true, null], ['vector', false, 2]]);
      const metrics = await get('/metrics');
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('refract_backlog_messages{leg="vector"} 2\n');
    });

    it('measures the quiet time of a leg that never made progress from the time its health state began', async () => {
      const { world, metrics, get } = await serve({}, { heartbeat: false });
      world.backlog = { graph: 1, vector: 0 };
      world.health.graph = { state: 'healthy', since: T0 - 10_000 };
      expect(metrics.lastProgress('graph')).toBeUndefined();
      expect((await get('/readyz')).status).toBe(200);
      world.now = T0 + 50_000;
      const response = await get('/readyz');
      expect(response.status).toBe(503);
      expect((await readyzBody(response)).legs[0]).toMatchObject({
        leg: 'graph', ready: false, lastProgressAgoSeconds: null, reason: 'stalled: backlog 1 and no progress for 60 s (limit 60 s)',
      });
    });
  });

  describe('any other request', () => {
    it.each([
      ['GET', '/'],
      ['GET', '/metrics/extra'],
      ['GET', '/healthz'],
      ['POST', '/metrics'],
      ['PUT', '/readyz'],
      ['DELETE', '/livez'],
    ])('%s %s answers 404', async (method, path) => {
      const { get } = await serve();
      const response = await get(path, { method });
      expect(response.status).toBe(404);
      await response.text();
    });

    it('answers 404 to a request target that is no URL, and keeps serving', async () => {
      const { server, get } = await serve();
      expect(await rawRequest(server.address, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 404 Not Found');
      expect((await get('/livez')).status).toBe(200);
    });

    it('routes on the path alone, ignoring a query string', async () => {
      const { get } = await serve();
      expect((await get('/livez?probe=kubelet')).status).toBe(200);
    });
  });

  describe('when its port is taken', () => {
    it('rejects with CONFIG.INVALID naming metricsPort and the port', async () => {
      const { server } = await serve();
      const port = Number(new URL(server.address).port);
      const second = serve({ port });
      await expect(second).rejects.toBeInstanceOf(RefractError);
      await expect(second).rejects.toMatchObject({ code: 'CONFIG.INVALID', details: { field: 'metricsPort', value: port } });
      await expect(second).rejects.toThrow(new RegExp(`metricsPort ${port} on 127\\.0\\.0\\.1 is taken`));
    });
  });

  describe('close()', () => {
    it('resolves, and the port stops answering', async () => {
      const { server, get } = await serve();
      await (await get('/livez')).text();
      await expect(server.close()).resolves.toBeUndefined();
      started.splice(started.indexOf(server), 1);
      await expect(fetch(`${server.address}/livez`)).rejects.toThrow();
    });

    it('resolves while a request still waits on the log, ending that request', async () => {
      let asked = 0;
      const { server, get } = await serve({ backlog: () => (asked += 1, new Promise<never>(() => undefined)) });
      const pending = get('/readyz');
      while (asked === 0) await new Promise((r) => setTimeout(r, 2));
      const closed = await Promise.race([server.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after 2 s'), 2_000))]);
      started.splice(started.indexOf(server), 1);
      expect(closed).toBe('closed');
      await expect(pending).rejects.toThrow();
    });
  });
});
