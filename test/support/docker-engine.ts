import { request } from 'node:http';

/** Whether a Docker engine answers: asks it (GET /_ping) on DOCKER_HOST or /var/run/docker.sock; a `docker` binary proves nothing. */
export async function dockerEngine(env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true } | { ok: false; reason: string }> {
  const target = engineTarget(env.DOCKER_HOST);
  if (!target) return { ok: false, reason: `DOCKER_HOST=${env.DOCKER_HOST ?? ''} is not a unix:// or tcp:// address` };
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { ok: true } : { ok: false, reason: `engine answered HTTP ${res.statusCode ?? '?'}` });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (error) => resolve({ ok: false, reason: `no Docker engine at ${describe(target)} (${error.message})` }));
    req.end();
  });
}

type Target = { socketPath: string } | { host: string; port: number };

function engineTarget(dockerHost: string | undefined): Target | undefined {
  if (!dockerHost) return { socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(dockerHost);
  return tcp?.[1] && tcp[2] ? { host: tcp[1], port: Number(tcp[2]) } : undefined;
}

function describe(target: Target): string {
  return 'socketPath' in target ? target.socketPath : `${target.host}:${target.port}`;
}
