import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { noteBuilds } from '../../../runtime/index.ts';
import { createBuildRecords } from '../../container/adapter-factories.ts';
import { buildContainer, resolvePipeline } from '../../container/container.ts';
import { TOKENS } from '../../container/tokens.ts';
import { healthBoard, serveOps } from '../../ops/serve-ops.ts';
import { prepareServers } from '../../container/prepare-servers.ts';
import { adapterFlags, configFlags, opsFlags } from './shared-flags.ts';
import { legProgress } from './run-progress.ts';
import { runBothLegs } from './run-legs.ts';

/**
 * `refract run`: both legs, until SIGINT/SIGTERM. Shutdown is graceful: the batch in hand is
 * written and acked (or, if its store is down, left unacked for redelivery), then it exits.
 * Logs are structured (docs/adr/0012): every retry, every change of a leg's health, and why a
 * leg stopped. A stopped leg stops the other one and the process exits 1.
 */
export function registerRunCommand(program: Command): void {
  opsFlags(adapterFlags(program.command('run').description('run the graph and vector legs until interrupted (graceful on SIGINT/SIGTERM)'))
    .option('--until-drained', 'stop once both subscriptions have no backlog'))
    .action(async (flags: Record<string, unknown>) => {
      const config = loadConfig(configFlags(flags));
      const container = buildContainer(config, { metrics: 'prometheus' });
      for (const line of await prepareServers(config, await container.getAsync(TOKENS.App))) process.stderr.write(`${line}\n`);
      const p = await resolvePipeline(container);
      const logger = p.logger.child({ command: 'run' });
      await noteBuilds(p.app, await createBuildRecords(config), logger);
      const board = healthBoard();
      const ops = await serveOps(p, await container.getAsync(TOKENS.PrometheusMetrics), config, board.get);
      logger.info(`metrics on ${ops.address}/metrics, health on /livez and /readyz`, { metrics: `${ops.address}/metrics` });
      const controller = new AbortController();
      const stop = (signal: string) => {
        logger.info(`${signal}: finishing the batches in hand, then stopping`, { signal });
        controller.abort();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      const progress = legProgress(['graph', 'vector']);
      logger.info('both legs running', { eventLog: config.eventLog, graph: config.graph, vectors: config.vectors, embedder: config.embedder });
      try {
        const stats = await runBothLegs(p, {
          stopWhenDrained: flags['untilDrained'] === true,
          signal: controller.signal,
          onBatch: (leg, n) => {
            const line = progress.add(leg, n);
            if (line) logger.info(line, { received: progress.received() });
          },
          onHealth: (leg, health) => {
            board.update(leg, health);
            if (health.state === 'healthy') logger.info(`${leg} leg healthy again`, { leg, health: health.state });
            else logger.error(`${leg} leg ${health.state}: ${health.reason}`, { leg, health: health.state, reason: health.reason });
          },
        });
        process.stdout.write(`${JSON.stringify(stats)}\n`);
      } finally {
        await Promise.all([ops.close(), p.log.close(), p.graph.close(), p.vectors.close()]);
      }
    });
}
