import pg from 'pg';
import { RefractError } from '../../domain/index.ts';
import { serverOrigin } from '../shared/server-origin.ts';

export interface CdcSourceConfig {
  /** e.g. postgres://postgres@127.0.0.1:5433/refract (credentials never printed). */
  readonly url: string;
  readonly publication: string;
  readonly slot: string;
}

export interface CdcSourceStatus {
  readonly server: string;
  readonly walLevel: string;
  readonly publicationTables: readonly string[];
  readonly slot: {
    readonly exists: boolean;
    readonly active: boolean;
    readonly confirmedFlushLsn: string | null;
    readonly lagBytes: number | null;
  };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The PostgreSQL side of the CDC leg (docs/adr/0021): the publication that names the mapped
 * tables and the logical replication slot Debezium reads (pgoutput). Idempotent; every statement
 * names its objects from checked identifiers, never from input text spliced into SQL otherwise.
 */
export async function initCdcSource(config: CdcSourceConfig, tables: readonly string[]): Promise<{ lines: string[]; published: string[] }> {
  for (const name of [config.publication, config.slot]) {
    if (!IDENTIFIER.test(name)) throw new RefractError('CONFIG.INVALID', `${JSON.stringify(name)} is not a plain lower-case SQL identifier`, { field: 'cdcPublication', value: name });
  }
  return withClient(config.url, async (client) => {
    const done: string[] = [];
    const walLevel = (await client.query<{ wal_level: string }>('show wal_level')).rows[0]?.wal_level ?? '?';
    if (walLevel !== 'logical') {
      throw new RefractError('CONFIG.INVALID', `PostgreSQL at ${serverOrigin(config.url)} has wal_level=${walLevel}; CDC needs wal_level=logical (npm run services:up -- postgres starts one that has it)`, { field: 'postgresUrl', value: walLevel });
    }
    const missing = [];
    for (const table of tables) {
      const [schema, name] = table.split('.');
      const found = await client.query('select 1 from information_schema.tables where table_schema = $1 and table_name = $2', [schema, name]);
      if (!found.rowCount) missing.push(table);
    }
    if (missing.length) {
      throw new RefractError('CONFIG.INVALID', `the app maps table(s) ${missing.join(', ')}, which PostgreSQL at ${serverOrigin(config.url)} does not have`, { field: 'cdc.tables', value: missing.join(', ') });
    }
    const quoted = (names: readonly string[]) => names.map((t) => t.split('.').map((part) => `"${part}"`).join('.')).join(', ');
    const exists = (await client.query('select 1 from pg_publication where pubname = $1', [config.publication])).rowCount;
    const publishedNow = async () => (await client.query<{ name: string }>(
      "select schemaname || '.' || tablename as name from pg_publication_tables where pubname = $1 order by 1", [config.publication])).rows.map((r) => r.name);
    if (!exists) {
      await client.query(`create publication "${config.publication}" for table ${quoted(tables)}`);
      done.push(`publication ${config.publication}: created for ${tables.join(', ')}`);
    } else {
      // Tables an operator added by hand stay: their changes reach the translator, which dead-letters what it cannot map.
      const before = await publishedNow();
      const adding = tables.filter((t) => !before.includes(t));
      if (adding.length) await client.query(`alter publication "${config.publication}" add table ${quoted(adding)}`);
      done.push(`publication ${config.publication}: ${adding.length ? `added ${adding.join(', ')}` : 'present'}`);
    }
    const slot = (await client.query('select 1 from pg_replication_slots where slot_name = $1', [config.slot])).rowCount;
    if (!slot) await client.query("select pg_create_logical_replication_slot($1, 'pgoutput')", [config.slot]);
    done.push(`replication slot ${config.slot}: ${slot ? 'present' : 'created'} (pgoutput)`);
    return { lines: done, published: await publishedNow() };
  });
}

/** What the slot says: whether Debezium reads it, what it confirmed, and how much WAL it holds back. */
export async function cdcSourceStatus(config: CdcSourceConfig): Promise<CdcSourceStatus> {
  return withClient(config.url, async (client) => {
    const walLevel = (await client.query<{ wal_level: string }>('show wal_level')).rows[0]?.wal_level ?? '?';
    const tables = await client.query<{ name: string }>(
      "select schemaname || '.' || tablename as name from pg_publication_tables where pubname = $1 order by 1", [config.publication]);
    const slot = await client.query<{ active: boolean; confirmed: string | null; lag: string | null }>(
      `select active, confirmed_flush_lsn::text as confirmed,
              pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::bigint::text as lag
         from pg_replication_slots where slot_name = $1`, [config.slot]);
    const row = slot.rows[0];
    return {
      server: serverOrigin(config.url), walLevel, publicationTables: tables.rows.map((r) => r.name),
      slot: row
        ? { exists: true, active: row.active, confirmedFlushLsn: row.confirmed, lagBytes: row.lag === null ? null : Number(row.lag) }
        : { exists: false, active: false, confirmedFlushLsn: null, lagBytes: null },
    };
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, query_timeout: 30_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new RefractError('STORE.UNAVAILABLE', `PostgreSQL at ${serverOrigin(url)} did not answer: ${error instanceof Error ? error.message : String(error)}`, { server: serverOrigin(url) });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
