import type { Command } from 'commander';
import { RefractError } from '../../../domain/index.ts';
import { CDC_LEG, cdcTopicFor, DEFAULT_RETRY, runCdcTranslator, type CdcStats } from '../../../runtime/index.ts';
import { loadConfig, type RefractConfig } from '../../config/config.ts';
import { serverAuth } from '../../config/server-auth.ts';
import { buildContainer, resolvePipeline } from '../../container/container.ts';
import { TOKENS } from '../../container/tokens.ts';
import { cdcSourceStatus, initCdcSource } from '../../debezium/postgres-source.ts';
import type { App } from '../../../projections/app.ts';
import { oneShotRetry } from '../one-shot-retry.ts';
import { deadLetterTopicFor } from '../../pulsar/dead-letter-topics.ts';
import { adapterFlags, configFlags } from './shared-flags.ts';

const say = (line = '') => process.stdout.write(`${line}\n`);

/** Flags of the CDC commands: the adapter flags and where PostgreSQL is. */
function cdcFlags(command: Command): Command {
  return adapterFlags(command)
    .option('--postgres-url <url>', 'the PostgreSQL whose changes are captured (env REFRACT_POSTGRES_URL, default postgres://postgres@127.0.0.1:5433/refract)')
    .option('--cdc-slot <name>', 'logical replication slot (env REFRACT_CDC_SLOT, default refract_cdc)')
    .option('--cdc-publication <name>', 'publication (env REFRACT_CDC_PUBLICATION, default refract_cdc)');
}

const configOf = (flags: Record<string, unknown>): RefractConfig => loadConfig({
  ...configFlags(flags),
  ...Object.fromEntries(['postgresUrl', 'cdcSlot', 'cdcPublication'].filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]])),
});

const source = (config: RefractConfig) => ({ url: config.postgresUrl, publication: config.cdcPublication, slot: config.cdcSlot });

function mappedTables(app: App): string[] {
  const tables = [...app.cdcTables.keys()];
  if (!tables.length) throw new RefractError('CONFIG.INVALID', `app ${app.name} maps no table: add cdc.tables to its definition (README, "Capture a table")`, { field: 'cdc.tables' });
  return tables;
}

/** The raw change topics of the app's mapped tables, where the CDC service publishes. */
const rawTopics = (app: App) => mappedTables(app).map(cdcTopicFor);

/**
 * `refract cdc init | run | status`: the CDC leg (docs/adr/0021). PostgreSQL's publication and
 * slot, the raw and entity topics; the translator from raw Debezium changes to EntityEvents; and
 * where it stands.
 */
export function registerCdcCommands(program: Command): void {
  const cdc = program.command('cdc').description('capture changes written straight into PostgreSQL as events (Debezium)');

  cdcFlags(cdc.command('init').description('create the publication, the replication slot and the topics the CDC leg uses (idempotent)'))
    .action(async (flags: Record<string, unknown>) => {
      const config = configOf(flags);
      const app = await buildContainer(config).getAsync(TOKENS.App);
      const tables = mappedTables(app);
      const { lines, published } = await oneShotRetry()('postgres publication and slot', () => initCdcSource(source(config), tables));
      for (const line of lines) say(line);
      if (config.eventLog === 'pulsar') {
        // A raw topic for every published table, mapped or not, so the translator reads (and dead-letters) them all.
        const raw = [...new Set([...rawTopics(app), ...published.map(cdcTopicFor)])].sort();
        const { initTopology } = await import('../../pulsar/init-topology.ts');
        const report = await oneShotRetry()('pulsar topology', () => initTopology({
          adminUrl: config.pulsarUrl, auth: serverAuth(config, 'pulsar'), tenant: config.pulsarTenant, namespace: config.pulsarNamespace,
          topics: [...app.topics, ...raw],
        }));
        say(`pulsar ${config.pulsarTenant}/${config.pulsarNamespace}: ${report.steps.filter((s) => s.outcome !== 'present').length} changed, raw topics ${raw.join(', ')}`);
      }
    });

  cdcFlags(cdc.command('run').description('translate raw Debezium changes into events on the entity topics, until SIGINT/SIGTERM'))
    .option('--until-drained', 'stop once the raw topics have no backlog')
    .action(async (flags: Record<string, unknown>) => {
      const config = configOf(flags);
      const p = await resolvePipeline(buildContainer(config));
      const logger = p.logger.child({ command: 'cdc run' });
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      const topics = await capturedTopics(config, p.app);
      logger.info(`cdc: translating ${topics.join(', ')}`, { topics });
      const subscription = await p.log.subscribe({ topics, subscription: `refract-${CDC_LEG}`, type: 'Key_Shared' });
      let last = Date.now();
      try {
        const stats = await runCdcTranslator(
          { app: p.app, log: p.log, subscription, deadLetters: p.deadLetters, clock: p.clock, logger },
          {
            batchSize: config.batchSize, maxWaitMs: config.maxWaitMs, retry: DEFAULT_RETRY, stopWhenDrained: flags['untilDrained'] === true,
            signal: controller.signal,
            onBatch: (s: CdcStats) => {
              if (Date.now() - last < 5_000) return;
              last = Date.now();
              logger.info(`cdc: ${s.received} changes, ${s.published} events published, ${s.deadLettered} dead-lettered`, { ...s });
            },
          },
        );
        say(JSON.stringify(stats));
      } finally {
        await subscription.close().catch(() => undefined);
        await p.log.close();
      }
    });

  cdcFlags(cdc.command('status').description('slot lag in bytes, last confirmed position, translator backlog and dead letters'))
    .option('--json', 'the same as one JSON object')
    .action(async (flags: Record<string, unknown>) => {
      const config = configOf(flags);
      const app = await buildContainer(config).getAsync(TOKENS.App);
      const postgres = await cdcSourceStatus(source(config));
      const log = config.eventLog === 'pulsar' ? await translatorBacklog(config, app) : null;
      const report = { postgres, translator: log };
      if (flags['json']) {
        say(JSON.stringify(report, null, 2));
        return;
      }
      say(`PostgreSQL ${postgres.server}: wal_level ${postgres.walLevel}; publication ${config.cdcPublication}: ${postgres.publicationTables.join(', ') || 'no tables'}`);
      const s = postgres.slot;
      say(s.exists
        ? `slot ${config.cdcSlot}: ${s.active ? 'read by the CDC service' : 'NOT READ (is the CDC service running?)'}, confirmed ${s.confirmedFlushLsn ?? '-'}, ${s.lagBytes ?? '?'} bytes of WAL behind`
        : `slot ${config.cdcSlot}: MISSING (run refract cdc init)`);
      if (log) say(`translator: ${log.backlog ?? '?'} changes waiting, ${log.deadLetters ?? '?'} dead letters`);
      process.exitCode = s.exists && s.active ? 0 : 1;
    });
}

/**
 * The mapped tables' raw topics, and on Pulsar every other raw topic the CDC service has created
 * in the namespace: a change to a table the app does not map must be dead-lettered with its
 * reason, not left unread. A table captured later is picked up at the translator's next start.
 */
async function capturedTopics(config: RefractConfig, app: App): Promise<string[]> {
  const topics = new Set(rawTopics(app));
  if (config.eventLog === 'pulsar') {
    const { createPulsarAdmin } = await import('../../pulsar/pulsar-admin.ts');
    const listed = await createPulsarAdmin(config.pulsarUrl, { auth: serverAuth(config, 'pulsar') }).get(`/admin/v2/persistent/${config.pulsarTenant}/${config.pulsarNamespace}`);
    for (const full of Array.isArray(listed) ? listed : []) {
      const name = String(full).split('/').pop() ?? '';
      if (name.startsWith('cdc-') && name !== deadLetterTopicFor(CDC_LEG) && !name.includes('-partition-')) topics.add(name);
    }
  }
  return [...topics].sort();
}

async function translatorBacklog(config: RefractConfig, app: App): Promise<{ backlog: number | null; deadLetters: number | null }> {
  const { createPulsarAdmin } = await import('../../pulsar/pulsar-admin.ts');
  const { subscriptionBacklog } = await import('../../pulsar/subscription-backlog.ts');
  const { fullTopicName } = await import('../../pulsar/topic-names.ts');
  const { createDeadLetters } = await import('../../container/adapter-factories.ts');
  const admin = createPulsarAdmin(config.pulsarUrl, { auth: serverAuth(config, 'pulsar') });
  const where = { tenant: config.pulsarTenant, namespace: config.pulsarNamespace };
  try {
    const backlogs = await Promise.all(rawTopics(app).map((t) => subscriptionBacklog(admin, fullTopicName(where, t), `refract-${CDC_LEG}`)));
    const deadLetters = await (await createDeadLetters(config)).depth(CDC_LEG);
    return { backlog: backlogs.reduce<number>((a, b) => a + (b ?? 0), 0), deadLetters };
  } catch {
    return { backlog: null, deadLetters: null };
  }
}
