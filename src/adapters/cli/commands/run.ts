import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { buildContainer, resolvePipeline } from '../../container/container.ts';
import { prepareServers } from '../../container/prepare-servers.ts';
import { adapterFlags, configFlags } from './shared-flags.ts';
import { runBothLegs } from './run-legs.ts';

/**
 * `refract run`: both legs, until SIGINT/SIGTERM. Shutdown is graceful: the batch in hand is
 * written and acked (or, if its store is down, left unacked for redelivery), then it exits.
 */
export function registerRunCommand(program: Command): void {
  adapterFlags(program.command('run').description('run the graph and vector legs until interrupted (graceful on SIGINT/SIGTERM)'))
    .option('--until-drained', 'stop once both subscriptions have no backlog')
    .action(async (flags: Record<string, unknown>) => {
      const config = loadConfig(configFlags(flags));
      for (const line of await prepareServers(config)) process.stderr.write(`${line}\n`);
      const p = await resolvePipeline(buildContainer(config));
      const controller = new AbortController();
      const stop = (signal: string) => {
        process.stderr.write(`refract: ${signal}: finishing the batches in hand, then stopping\n`);
        controller.abort();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      let processed = 0;
      const stats = await runBothLegs(p, {
        stopWhenDrained: flags['untilDrained'] === true,
        signal: controller.signal,
        onBatch: (leg, n) => {
          processed += n;
          if (processed % 10_000 < n) process.stderr.write(`${leg}: ${processed} messages processed so far\n`);
        },
      });
      await Promise.all([p.log.close(), p.graph.close(), p.vectors.close()]);
      process.stdout.write(`${JSON.stringify(stats)}\n`);
    });
}
