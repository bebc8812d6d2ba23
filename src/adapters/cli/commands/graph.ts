import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';

interface GraphFlags {
  janusgraphUrl?: string;
}

const say = (line = '') => process.stdout.write(`${line}\n`);

function graphFlags(command: Command): Command {
  return command.option('--janusgraph-url <url>', 'Gremlin Server WebSocket endpoint (env REFRACT_JANUSGRAPH_URL)');
}

/** `refract graph init | purge`: the JanusGraph side of the graph leg, by hand. */
export function registerGraphCommands(program: Command): void {
  const graph = program.command('graph').description('manage the JanusGraph schema and tombstones of the graph leg');

  graphFlags(
    graph.command('init').description('declare vertex and edge labels, system keys and the unique entity_id index; wait until it is ENABLED (idempotent)'),
  ).action(async (flags: GraphFlags) => {
    const { janusgraphUrl } = loadConfig({ janusgraphUrl: flags.janusgraphUrl });
    const { initGraphSchema } = await import('../../janusgraph/init-graph-schema.ts');
    const report = await initGraphSchema({ url: janusgraphUrl });
    say(`JanusGraph ${janusgraphUrl}: ${report.created.length} created, ${report.present.length} already present; entity_id index ${report.index}`);
    for (const item of report.created) say(`  created  ${item}`);
    for (const item of report.present) say(`  present  ${item}`);
  });

  graphFlags(
    graph.command('purge').description(
      'remove tombstones and orphan placeholders; a purged id no longer stops an older event replayed later (docs/adr/0002)',
    ),
  ).action(async (flags: GraphFlags) => {
    const { janusgraphUrl } = loadConfig({ janusgraphUrl: flags.janusgraphUrl });
    const { createJanusGraphStore } = await import('../../janusgraph/janusgraph-graph-store.ts');
    const store = createJanusGraphStore({ url: janusgraphUrl });
    try {
      const purged = await store.purge();
      const after = await store.count();
      say(`JanusGraph ${janusgraphUrl}: purged or reset ${purged} vertices; now ${after.vertices} live vertices, ${after.edges} owned edges`);
    } finally {
      await store.close();
    }
  });
}
