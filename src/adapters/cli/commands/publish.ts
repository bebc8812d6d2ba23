import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { isRefractError, RefractError } from '../../../domain/index.ts';
import { loadApp } from '../../config/load-app.ts';
import { createEventLog, createLogger } from '../../container/adapter-factories.ts';
import { oneShotRetry } from '../one-shot-retry.ts';
import { publishJsonLines, type PublishTally } from './publish-lines.ts';
import { pulsarConfig, pulsarFlags, type PulsarFlags } from './pulsar-flags.ts';
import { appFlag } from './shared-flags.ts';

interface PublishFlags extends PulsarFlags {
  producerName: string;
  chunk: string;
  dryRun?: boolean;
}

/** `refract publish [file]`: EntityEvents as JSON lines, from a file or stdin, validated, to Pulsar. */
export function registerPublishCommand(program: Command): void {
  appFlag(pulsarFlags(program
    .command('publish')
    .description('publish EntityEvents, one JSON object per line, from a file or stdin to their Pulsar topics; invalid lines are reported, not published')
    .argument('[file]', 'JSON-lines file (default: stdin)')))
    .option('--producer-name <name>', 'stable producer name for this publishing role (broker deduplication keys on it; one process per name)', 'refract-cli-publisher')
    .option('--chunk <n>', 'events per publish call (pipelined within a chunk)', '1000')
    .option('--dry-run', 'validate every line, publish nothing')
    .action(async (file: string | undefined, flags: PublishFlags) => {
      const chunkSize = Number(flags.chunk);
      if (!Number.isInteger(chunkSize) || chunkSize < 1) {
        throw new RefractError('CONFIG.INVALID', `flag --chunk must be a positive integer (got ${JSON.stringify(flags.chunk)})`, { field: 'chunk', value: flags.chunk });
      }
      const config = pulsarConfig(flags);
      // Before the input is opened: lines read while the app loads would be lost.
      const app = await loadApp(config);
      const log = await createEventLog({ ...config, eventLog: 'pulsar' }, createLogger(config), { producerName: flags.producerName });
      const input = file ? createReadStream(file, 'utf8') : process.stdin;
      const lines = createInterface({ input, crlfDelay: Infinity });
      const started = performance.now();
      const progress = progressLine(started);
      let tally: PublishTally;
      try {
        tally = await publishJsonLines(lines, log, {
          app,
          chunkSize,
          dryRun: flags.dryRun === true,
          onInvalid: (line, reason) => process.stderr.write(`line ${line}: invalid, not published: ${reason}\n`),
          onFailed: (line, reason) => process.stderr.write(`line ${line}: not persisted: ${reason}\n`),
          onProgress: progress.update,
          // A broker restarting: failed messages are sent again, logged, for about half a minute.
          retry: oneShotRetry(),
        });
      } catch (error) {
        throw withHint(error);
      } finally {
        progress.stop();
        lines.close();
        await log.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const topics = Object.entries(tally.byTopic).map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
      process.stdout.write(
        `${flags.dryRun ? 'validated (dry run)' : 'published'} ${tally.published} of ${tally.lines} lines in ${seconds.toFixed(2)} s ` +
        `(${Math.round(tally.published / Math.max(seconds, 0.001))} events/s) to ${config.pulsarTenant}/${config.pulsarNamespace}: ${topics}; ` +
        `${tally.invalid} invalid, ${tally.failed} not persisted\n`,
      );
      if (tally.invalid || tally.failed) process.exitCode = 1;
    });
}

/** Rate on stderr: rewritten in place on a terminal, a line every few seconds otherwise. */
function progressLine(started: number) {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(tally: Readonly<PublishTally>) {
      const now = performance.now();
      if (now - last < (tty ? 250 : 5_000)) return;
      last = now;
      shown = true;
      const rate = Math.round(tally.published / Math.max(0.001, (now - started) / 1000));
      process.stderr.write(`${tty ? '\r' : ''}publish: ${tally.lines} lines read, ${tally.published} published (${rate}/s), ${tally.invalid} invalid${tty ? '' : '\n'}`);
    },
    stop() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}

/** A namespace that does not exist is nearly always a missing `topics init`. */
function withHint(error: unknown): unknown {
  if (!isRefractError(error) || error.code !== 'LOG.REFUSED' || error.details['status'] !== 404) return error;
  return new RefractError(error.code, `${error.message}; run \`refract topics init\` first`, error.details, { cause: error });
}
