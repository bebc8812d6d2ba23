import { Command } from 'commander';
import { down, status, up } from './launcher.ts';

/** `tsx scripts/services/cli.ts up|down|status [names...]`: see docs/services.md. */
const program = new Command('services').description('Run the real servers (Pulsar, JanusGraph, OpenSearch; PostgreSQL when named) locally');

program.command('up').argument('[names...]', 'pulsar, janusgraph, opensearch (default: these three); postgres only when named')
  .description('start the servers one after another and wait until each answers')
  .option('--secure', 'TLS and authentication on Pulsar, JanusGraph and OpenSearch, with throwaway certificates and credentials made under the services folder (docs/adr/0022)')
  .action((names: string[], options: { secure?: boolean }) => up(names, options));
program.command('down').argument('[names...]', 'default: the three default servers')
  .description('stop the servers this launcher started')
  .action((names: string[]) => down(names));
program.command('status').argument('[names...]', 'default: the three default servers')
  .description('show whether each server answers, and its version')
  .action((names: string[]) => status(names));

try {
  await program.parseAsync();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
