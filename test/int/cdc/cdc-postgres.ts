import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, Wait } from 'testcontainers';
import { servicesRoot } from '../../../scripts/services/context.ts';
import { postgres } from '../../../scripts/services/postgres.ts';
import { startService, stopService } from '../../../scripts/services/run-service.ts';
import type { ServiceContext } from '../../../scripts/services/service.ts';
import { dockerEngine } from '../../support/docker-engine.ts';
import { freePort } from '../../support/free-port.ts';

export interface CdcPostgres {
  /** postgres://postgres@127.0.0.1:<port>/refract */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL with logical decoding of the CDC test's own: `postgres:15` through testcontainers
 * where a Docker engine answers, else the launcher's definition (the installed binaries) on a
 * free port with an empty data folder. Never the machine's own server.
 */
export async function startCdcPostgres(name: string): Promise<CdcPostgres> {
  if ((await dockerEngine()).ok) {
    const started = await new GenericContainer('postgres:15')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'refract' })
      .withCommand(['postgres', '-c', 'wal_level=logical', '-c', 'max_replication_slots=10', '-c', 'max_wal_senders=10'])
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    const port = started.getMappedPort(5432);
    return { url: `postgres://postgres@127.0.0.1:${port}/refract`, port, stop: async () => { await started.stop(); } };
  }
  const ctx: ServiceContext = { dir: join(servicesRoot(), name), ports: { sql: await freePort() }, log: (m) => console.log(`private postgres: ${m}`) };
  await rm(join(ctx.dir, 'data'), { recursive: true, force: true });
  await startService(postgres, ctx);
  const port = ctx.ports['sql'] ?? 0;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/refract`, port,
    async stop() {
      await stopService(postgres, ctx);
      await rm(join(ctx.dir, 'data'), { recursive: true, force: true });
    },
  };
}
