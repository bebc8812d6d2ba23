#!/usr/bin/env node
import { Command } from 'commander';
import { isRefractError } from '../../domain/index.ts';
import { registerCdcCommands } from './commands/cdc.ts';
import { registerDeadLettersCommands } from './commands/dead-letters.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerGraphCommands } from './commands/graph.ts';
import { registerLoadCommand } from './commands/load.ts';
import { registerPublishCommand } from './commands/publish.ts';
import { registerRebuildCommand } from './commands/rebuild.ts';
import { registerReconcileCommand } from './commands/reconcile.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerTopicsCommands } from './commands/topics.ts';
import { registerVectorsCommands } from './commands/vectors.ts';

const program = new Command('refract')
  .description('Event-sourced projections from a log into a property graph and a k-NN vector index')
  .showHelpAfterError();
registerDemoCommand(program);
registerRunCommand(program);
registerStatusCommand(program);
registerGraphCommands(program);
registerTopicsCommands(program);
registerPublishCommand(program);
registerDeadLettersCommands(program);
registerVectorsCommands(program);
registerLoadCommand(program);
registerReconcileCommand(program);
registerRebuildCommand(program);
registerCdcCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const code = isRefractError(error) ? ` [${error.code}]` : '';
  process.stderr.write(`refract: ${error instanceof Error ? error.message : String(error)}${code}\n`);
  process.exitCode = 1;
});
