import { join } from 'node:path';
import pg from 'pg';
import { buildCdcService, cdcLaunch, CDC_JAVA_MAJOR } from './cdc-build.ts';
import { findJava } from './java.ts';
import { POSTGRES_DATABASE, POSTGRES_USER } from './postgres.ts';
import type { ServiceDefinition } from './service.ts';

const SLOT = process.env['REFRACT_CDC_SLOT'] ?? 'refract_cdc';

/**
 * The CDC service (services/cdc: Debezium's embedded engine publishing PostgreSQL's changes to
 * Pulsar; docs/adr/0021), started only when named: `npm run services:up -- postgres cdc`. It
 * listens on nothing; its "ports" are the ones it connects to: Pulsar's broker and PostgreSQL.
 * Ready means the replication slot is being read. The first start builds it with Maven.
 */
export const cdc: ServiceDefinition<'cdc'> = {
  name: 'cdc',
  defaultPorts: { pulsar: 6650, postgres: 5433 },
  portEnv: { pulsar: 'REFRACT_PULSAR_BROKER_PORT', postgres: 'REFRACT_POSTGRES_PORT' },
  readyTimeoutMs: 180_000,
  stopSignal: 'SIGTERM',

  async prepare(ctx) {
    if (ctx.secure) {
      // It speaks pulsar:// without a token, which a secured Pulsar (TLS only, tokens) refuses (docs/adr/0022).
      throw new Error(`CDC.NOT_SECURED: the CDC service cannot reach a secured Pulsar yet (no TLS, no token); ${ctx.dir}/.. is a secured services folder: run CDC in a plain one`);
    }
    await buildCdcService({ buildDir: join(ctx.dir, 'build'), log: ctx.log });
  },

  spawn(ctx) {
    const launch = cdcLaunch(join(ctx.dir, 'build'), findJava(CDC_JAVA_MAJOR).bin);
    return {
      command: launch.command, args: launch.args, cwd: ctx.dir,
      env: {
        REFRACT_CDC_PG_HOST: '127.0.0.1', REFRACT_CDC_PG_PORT: String(ctx.ports['postgres']),
        REFRACT_CDC_PG_DATABASE: POSTGRES_DATABASE, REFRACT_CDC_PG_USER: POSTGRES_USER, REFRACT_CDC_SLOT: SLOT,
        REFRACT_CDC_PULSAR_URL: `pulsar://127.0.0.1:${ctx.ports['pulsar']}`,
        REFRACT_CDC_OFFSETS_FILE: join(ctx.dir, 'offsets.dat'),
      },
    };
  },

  async probe(ctx) {
    const client = new pg.Client({
      host: '127.0.0.1', port: ctx.ports['postgres'], user: POSTGRES_USER, database: POSTGRES_DATABASE, connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    try {
      const row = (await client.query<{ active: boolean }>('select active from pg_replication_slots where slot_name = $1', [SLOT])).rows[0];
      if (row?.active !== true) throw new Error(`slot ${SLOT} is not being read`);
      return `Debezium 3.6.1.Final, reading slot ${SLOT}`;
    } finally {
      await client.end();
    }
  },
};
