import type { Command } from 'commander';
import { createDeadLetters } from '../../container/adapter-factories.ts';
import { pulsarConfig, pulsarFlags, type PulsarFlags } from './pulsar-flags.ts';

const PREVIEW = 160;

/** `refract dead-letters list <leg>`: what a leg gave up on, with the reason and the original bytes. */
export function registerDeadLettersCommands(program: Command): void {
  const group = program.command('dead-letters').description("inspect a leg's dead-letter topic on Pulsar");
  pulsarFlags(
    group
      .command('list')
      .description('print the dead letters of a leg (graph or vector): code, reason, key, source topic, payload preview')
      .argument('<leg>', 'graph | vector')
      .option('--limit <n>', 'at most this many letters', '20')
      .option('--json', 'one JSON object per line, payload as base64'),
  ).action(async (leg: string, flags: PulsarFlags & { limit: string; json?: boolean }) => {
    const config = pulsarConfig(flags);
    const letters = await (await createDeadLetters({ ...config, eventLog: 'pulsar' })).list(leg, Number(flags.limit));
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (!flags.json) out(`${letters.length} dead letter(s) for the ${leg} leg`);
    for (const letter of letters) {
      if (flags.json) {
        out(JSON.stringify({ ...letter, payload: Buffer.from(letter.payload).toString('base64') }));
        continue;
      }
      const text = Buffer.from(letter.payload).toString('utf8');
      out(`- [${letter.code}] ${letter.reason}`);
      out(`  key ${letter.key}  from ${letter.sourceTopic}${letter.properties['field'] ? `  field ${letter.properties['field']}` : ''}`);
      out(`  payload ${text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text}`);
    }
  });
}
