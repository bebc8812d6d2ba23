import type { Command } from 'commander';
import { RefractError } from '../../../domain/index.ts';
import type { PurgeProgress } from '../../../ports/index.ts';
import { loadApp } from '../../config/load-app.ts';
import { graphSchemaFor } from '../../janusgraph/graph-schema.ts';
import { loadConfig } from '../../config/config.ts';
import { serverAuth } from '../../config/server-auth.ts';
import { serverOrigin } from '../../shared/server-origin.ts';
import { createGraphStore } from '../../container/adapter-factories.ts';
import { oneShotRetry } from '../one-shot-retry.ts';
import { appFlag } from './shared-flags.ts';

interface GraphFlags {
  janusgraphUrl?: string;
  app?: string;
}

interface PurgeFlags extends GraphFlags {
  olderThan: string;
}

const say = (line = '') => process.stdout.write(`${line}\n`);

function graphFlags(command: Command): Command {
  return command.option('--janusgraph-url <url>', 'Gremlin Server WebSocket endpoint (env REFRACT_JANUSGRAPH_URL)');
}

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "12h", "7d" in milliseconds; anything else is a CONFIG.INVALID naming the flag and value. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0) : 0;
  if (ms <= 0) {
    throw new RefractError('CONFIG.INVALID', `flag --${flag} must be a positive duration in minutes, hours or days, such as 30m, 12h or 7d (got ${JSON.stringify(value)})`, { field: flag, value });
  }
  return ms;
}

/** A progress line after a page of a purge, at most one a second: quick purges print none. */
function purgeProgress(started: number): (progress: PurgeProgress) => void {
  let last = started;
  return ({ purged, done }) => {
    const now = Date.now();
    if (now - last < 1_000) return;
    last = now;
    process.stderr.write(`purge: ${Math.floor(done * 100)}% of the graph walked, ${purged} vertices purged or reset\n`);
  };
}

/** `refract graph init | purge`: the JanusGraph side of the graph leg, by hand. */
export function registerGraphCommands(program: Command): void {
  const graph = program.command('graph').description('manage the JanusGraph schema and tombstones of the graph leg');

  appFlag(graphFlags(
    graph.command('init').description('declare vertex and edge labels, system keys and the indices; wait until they are ENABLED (idempotent)'),
  )).action(async (flags: GraphFlags) => {
    const config = loadConfig({ janusgraphUrl: flags.janusgraphUrl, app: flags.app });
    const { janusgraphUrl } = config;
    const schema = graphSchemaFor(await loadApp(config));
    const { initGraphSchema } = await import('../../janusgraph/init-graph-schema.ts');
    // A server still starting, or an index still being built, is retried a bounded number of times, each retry logged.
    const report = await oneShotRetry()(`JanusGraph schema init at ${serverOrigin(janusgraphUrl)}`, () => initGraphSchema({ url: janusgraphUrl, auth: serverAuth(config, 'janusgraph'), schema }));
    say(`JanusGraph ${serverOrigin(janusgraphUrl)}: ${report.created.length} created, ${report.present.length} already present; indices ${report.index}`);
    for (const item of report.created) say(`  created  ${item}`);
    for (const item of report.present) say(`  present  ${item}`);
  });

  graphFlags(
    graph.command('purge').description(
      'remove tombstones older than --older-than and orphan placeholders; a purged id no longer stops an older event replayed later (docs/adr/0002)',
    ),
  )
    .option('--older-than <duration>', 'only tombstones deleted longer ago than this: 30m, 12h, 7d; keep it above the longest delay of any event', '7d')
    .action(async (flags: PurgeFlags) => {
      const age = parseDuration(flags.olderThan, 'older-than');
      const config = loadConfig({ janusgraphUrl: flags.janusgraphUrl });
      const { janusgraphUrl } = config;
      const store = await createGraphStore({ ...config, graph: 'janusgraph' });
      try {
        const started = Date.now();
        const olderThan = started - age;
        say(`JanusGraph ${serverOrigin(janusgraphUrl)}: purging tombstones deleted before ${new Date(olderThan).toISOString()}`);
        const purged = await store.purge({ olderThan, onProgress: purgeProgress(started) });
        const after = await store.count();
        say(`purged or reset ${purged} vertices; now ${after.vertices} live vertices, ${after.edges} owned edges`);
      } finally {
        await store.close();
      }
    });
}
