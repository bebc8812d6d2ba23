import { describe, expect, it } from 'vitest';
import {
  asServerUser, describeProbe, findPostgresBindir, initdbArgs, postgres, postgresSettings, socketPath, type BinLookup,
} from '../../../scripts/services/postgres.ts';
import { OPTIONAL_SERVICES, SERVICES, selectLauncherServices, selectServices } from '../../../scripts/services/registry.ts';

/** A file system holding exactly `files`, and a pg_config answering `bindir` (undefined: none installed). */
function lookup(files: readonly string[], bindir?: string, env: Record<string, string> = {}): BinLookup {
  const set = new Set(files);
  return {
    env,
    pgConfigBindir: () => bindir,
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0] ?? ''))],
    isFile: (path) => set.has(path),
  };
}
const server = (bin: string) => ['initdb', 'postgres', 'psql'].map((tool) => `${bin}/${tool}`);

describe('the launcher\'s PostgreSQL', () => {
  describe('finding the server binaries', () => {
    it('takes pg_config --bindir when it holds initdb, postgres and psql', () => {
      const fs = lookup([...server('/usr/lib/postgresql/15/bin'), ...server('/usr/lib/postgresql/16/bin')], '/usr/lib/postgresql/15/bin');
      expect(findPostgresBindir(fs)).toBe('/usr/lib/postgresql/15/bin');
    });

    it('falls back to the newest /usr/lib/postgresql/<major>/bin when pg_config is missing or names no server', () => {
      const files = [...server('/usr/lib/postgresql/9.6/bin'), ...server('/usr/lib/postgresql/16/bin'), ...server('/usr/lib/postgresql/13/bin')];
      expect(findPostgresBindir(lookup(files))).toBe('/usr/lib/postgresql/16/bin');
      // libpq-dev's pg_config alone, naming a folder without a server
      expect(findPostgresBindir(lookup(files, '/usr/lib/postgresql/17/bin'))).toBe('/usr/lib/postgresql/16/bin');
    });

    it('skips a major version whose folder lacks a binary', () => {
      const files = [...server('/usr/lib/postgresql/15/bin'), '/usr/lib/postgresql/17/bin/psql'];
      expect(findPostgresBindir(lookup(files))).toBe('/usr/lib/postgresql/15/bin');
    });

    it('takes REFRACT_POSTGRES_BINDIR first, and refuses one without the binaries', () => {
      const files = [...server('/opt/pg/bin'), ...server('/usr/lib/postgresql/15/bin')];
      expect(findPostgresBindir(lookup(files, undefined, { REFRACT_POSTGRES_BINDIR: '/opt/pg/bin' }))).toBe('/opt/pg/bin');
      expect(() => findPostgresBindir(lookup(files, undefined, { REFRACT_POSTGRES_BINDIR: '/nowhere' })))
        .toThrow(/POSTGRES\.MISSING: REFRACT_POSTGRES_BINDIR=\/nowhere/);
    });

    it('fails naming everything it looked at when there is none', () => {
      expect(() => findPostgresBindir(lookup([]))).toThrow(
        /POSTGRES\.MISSING: .*initdb, postgres, psql.*pg_config --bindir: no pg_config; \/usr\/lib\/postgresql\/\*\/bin: none.*apt-get install postgresql/,
      );
      expect(() => findPostgresBindir(lookup(['/usr/lib/postgresql/15/bin/psql'], '/usr/bin'))).toThrow(
        /pg_config --bindir: \/usr\/bin \(no server binaries there\); \/usr\/lib\/postgresql\/\{15\}\/bin \(incomplete\)/,
      );
    });
  });

  describe('its settings', () => {
    const conf = postgresSettings({ port: 15433, socketDir: '/srv/.services/postgres/run' });
    const setting = (key: string) => new RegExp(`^${key} = (.*)$`, 'm').exec(conf)?.[1];

    it('has its own port, 127.0.0.1 only, and its own socket folder', () => {
      expect(setting('port')).toBe('15433');
      expect(setting('listen_addresses')).toBe("'127.0.0.1'");
      expect(setting('unix_socket_directories')).toBe("'/srv/.services/postgres/run'");
      expect(conf).not.toContain('/var/run/postgresql');
    });

    it('turns on logical decoding with room for replication slots and WAL senders', () => {
      expect(setting('wal_level')).toBe('logical');
      expect(setting('max_replication_slots')).toBe('10');
      expect(setting('max_wal_senders')).toBe('10');
    });

    it('leaves fsync on and logs to stderr', () => {
      expect(setting('fsync')).toBeUndefined();
      expect(setting('log_destination')).toBe("'stderr'");
      expect(setting('logging_collector')).toBe('off');
    });

    it('quotes a folder with a quote in it', () => {
      expect(postgresSettings({ port: 5433, socketDir: "/home/o'brien/run" })).toContain("unix_socket_directories = '/home/o''brien/run'");
    });

    it('refuses a socket path longer than a unix socket allows', () => {
      expect(socketPath('/srv/run', 5433)).toBe('/srv/run/.s.PGSQL.5433');
      expect(() => socketPath(`/${'x'.repeat(100)}/run`, 5433)).toThrow(/CONFIG\.INVALID: .*longer than 107 bytes.*REFRACT_SERVICES_DIR/);
    });

    it('initdb\'s a UTF-8 cluster with trust for the postgres superuser', () => {
      expect(initdbArgs('/d')).toEqual(['-D', '/d', '--username=postgres', '--auth=trust', '--encoding=UTF8', '--no-locale']);
    });
  });

  describe('running as root', () => {
    const runAs = { user: 'postgres', uid: 101, gid: 104, setpriv: '/usr/bin/setpriv' };

    it('runs a binary through setpriv as the postgres user, which execs it (the pid is the postmaster\'s)', () => {
      expect(asServerUser('/pg/bin/postgres', ['-D', '/d'], runAs)).toEqual({
        command: '/usr/bin/setpriv', args: ['--reuid=101', '--regid=104', '--init-groups', '--', '/pg/bin/postgres', '-D', '/d'],
      });
    });

    it('runs it as it is otherwise', () => {
      expect(asServerUser('/pg/bin/postgres', ['-D', '/d'], undefined)).toEqual({ command: '/pg/bin/postgres', args: ['-D', '/d'] });
    });
  });

  describe('the probe', () => {
    it('answers the version when wal_level is logical and the refract database exists', () => {
      expect(describeProbe('15.20 (Debian 15.20-0+deb12u1)|logical|t')).toBe('PostgreSQL 15.20, wal_level logical');
    });

    it('fails on any other wal_level, and before the database exists', () => {
      expect(() => describeProbe('15.20|replica|t')).toThrow(/POSTGRES\.NOT_LOGICAL: wal_level is replica/);
      expect(() => describeProbe('15.20|logical|f')).toThrow(/POSTGRES\.NO_DATABASE/);
    });
  });

  describe('in the registry', () => {
    it('listens on 5433 unless REFRACT_POSTGRES_PORT says otherwise, and stops with a fast shutdown', () => {
      expect(postgres.defaultPorts).toEqual({ sql: 5433 });
      expect(postgres.portEnv).toEqual({ sql: 'REFRACT_POSTGRES_PORT' });
      expect(postgres.stopSignal).toBe('SIGINT');
    });

    it('is started only when named: not by a bare services:up, nor by the integration suite', () => {
      expect(OPTIONAL_SERVICES.map((s) => s.name)).toEqual(['postgres', 'cdc']);
      expect(SERVICES.map((s) => s.name)).toEqual(['pulsar', 'janusgraph', 'opensearch']);
      expect(selectLauncherServices([]).map((s) => s.name)).toEqual(['pulsar', 'janusgraph', 'opensearch']);
      expect(selectServices([]).map((s) => s.name)).toEqual(['pulsar', 'janusgraph', 'opensearch']);
      expect(() => selectServices(['postgres'])).toThrow(/unknown service postgres/);
    });

    it('starts after the default servers when named with them', () => {
      expect(selectLauncherServices(['postgres']).map((s) => s.name)).toEqual(['postgres']);
      expect(selectLauncherServices(['postgres', 'pulsar']).map((s) => s.name)).toEqual(['pulsar', 'postgres']);
      expect(selectLauncherServices(['cdc', 'postgres', 'pulsar']).map((s) => s.name)).toEqual(['pulsar', 'postgres', 'cdc']);
      expect(() => selectLauncherServices(['postgress'])).toThrow(/unknown service postgress .*postgres \(only when named\)/);
    });
  });
});
