import type { Command } from 'commander';
import { RefractError } from '../../../domain/index.ts';
import type { TopologyConfig, TopologyReport } from '../../pulsar/init-topology.ts';
import { loadApp } from '../../config/load-app.ts';
import { serverAuth } from '../../config/server-auth.ts';
import { serverOrigin } from '../../shared/server-origin.ts';
import { oneShotRetry, type OneShotRetry } from '../one-shot-retry.ts';
import { pulsarConfig, pulsarFlags, type PulsarFlags } from './pulsar-flags.ts';
import { appFlag } from './shared-flags.ts';

interface TopicsInitFlags extends PulsarFlags {
  retentionMinutes: string;
  retentionMb: string;
}

/** What `topics init` talks to; tests replace them. */
export interface TopicsDeps {
  readonly retry?: OneShotRetry;
  readonly initTopology?: (config: TopologyConfig) => Promise<TopologyReport>;
}

const say = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `refract topics init`: the Pulsar tenant, namespace, topics and dead-letter topics Refract
 * needs. Every step reads before it writes, so a whole retry after a transient failure (a
 * broker restarting) is safe.
 */
export function registerTopicsCommands(program: Command, deps: TopicsDeps = {}): void {
  const topics = program.command('topics').description('manage the Pulsar topics Refract publishes to and consumes from');
  appFlag(pulsarFlags(topics.command('init').description(
    'create the tenant, the namespace (deduplication on, retention set), one topic per entity type and each leg\'s dead-letter topic; idempotent',
  )))
    .option('--retention-minutes <n>', 'keep acknowledged messages this long; -1 = forever (the log is the source of truth)', '-1')
    .option('--retention-mb <n>', 'and up to this size per topic; -1 = unlimited', '-1')
    .action(async (flags: TopicsInitFlags) => {
      const config = pulsarConfig(flags);
      const { topics } = await loadApp(config);
      const retention = { minutes: integer(flags.retentionMinutes, 'retention-minutes'), sizeMb: integer(flags.retentionMb, 'retention-mb') };
      const init = deps.initTopology ?? (await import('../../pulsar/init-topology.ts')).initTopology;
      const retry = deps.retry ?? oneShotRetry();
      const report = await retry('topics init', () =>
        init({ adminUrl: config.pulsarUrl, auth: serverAuth(config, 'pulsar'), tenant: config.pulsarTenant, namespace: config.pulsarNamespace, retention, topics }));
      say(`Pulsar ${serverOrigin(config.pulsarUrl)}, namespace ${config.pulsarTenant}/${config.pulsarNamespace}`);
      for (const step of report.steps) say(`  ${step.outcome.padEnd(7)}  ${step.what}`);
      const count = (outcome: string) => report.steps.filter((s) => s.outcome === outcome).length;
      say(report.changed
        ? `${count('created')} created, ${count('updated')} updated, ${count('present')} already present`
        : `nothing changed: all ${report.steps.length} already present`);
    });
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) {
    throw new RefractError('CONFIG.INVALID', `flag --${flag} must be an integer, -1 or more (got ${JSON.stringify(value)})`, { field: flag, value });
  }
  return n;
}
