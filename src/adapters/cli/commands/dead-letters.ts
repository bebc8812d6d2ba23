import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { RefractError } from '../../../domain/index.ts';
import type { DeadLetters, StoredDeadLetter } from '../../../ports/index.ts';
import { DEFAULT_MAX_REDRIVES, redrive, redriveCount, type RedriveItem, type RedriveReport } from '../../../runtime/redrive.ts';
import type { RefractConfig } from '../../config/config.ts';
import { createDeadLetters, createEventLog, createLogger } from '../../container/adapter-factories.ts';
import { LEGS } from '../../pulsar/dead-letter-topics.ts';
import { pulsarConfig, pulsarFlags, type PulsarFlags } from './pulsar-flags.ts';

const PREVIEW = 160;
const SHOWN = 20;
const out = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);
const scanning = (scanned: number) => { if (scanned >= 500) note(`  looked at ${scanned} letters…`); };

interface RedriveFlags extends PulsarFlags {
  code?: string; key?: string; dryRun?: boolean; maxRedrives: string; limit?: string; json?: boolean;
}

/** `refract dead-letters list | show | stats | redrive`: see why a leg gave up on messages, and send them back once fixed. */
export function registerDeadLettersCommands(program: Command): void {
  const group = program.command('dead-letters').description("inspect and re-drive a leg's dead letters on Pulsar");
  pulsarFlags(group.command('list').description('print the dead letters of a leg (graph or vector): id, code, reason, key, source topic, payload preview')
    .argument('<leg>', LEGS.join(' | ')).option('--limit <n>', 'at most this many letters', '20').option('--json', 'one JSON object per line, payload as base64'))
    .action(async (leg: string, flags: PulsarFlags & { limit: string; json?: boolean }) => {
      const { deadLetters } = await open(leg, flags);
      const letters = await deadLetters.list(leg, count(flags.limit, 'limit'), { onScanned: scanning });
      if (!flags.json) out(`${letters.length} dead letter(s) for the ${leg} leg`);
      for (const letter of letters) {
        if (flags.json) { out(asJson(letter)); continue; }
        const text = Buffer.from(letter.payload).toString('utf8');
        out(`- ${letter.id}  [${letter.code}] ${letter.reason}`);
        out(`  key ${letter.key}  from ${letter.sourceTopic}${letter.properties['field'] ? `  field ${letter.properties['field']}` : ''}${redrives(letter)}`);
        out(`  payload ${text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text}`);
      }
    });

  pulsarFlags(group.command('show').description('print one dead letter whole: code, reason, key, source topic, properties, stack, payload, re-drives')
    .argument('<leg>', LEGS.join(' | ')).argument('<id>', 'the letter\'s id, as `list` prints it').option('--json', 'one JSON object, payload as base64'))
    .action(async (leg: string, id: string, flags: PulsarFlags & { json?: boolean }) => {
      const { deadLetters } = await open(leg, flags);
      const session = await deadLetters.open(leg, { limit: 1, wanted: (l) => l.id === id, onScanned: scanning });
      await session.close(); // only read: the letter stays
      const letter = session.letters[0];
      if (!letter) {
        throw new RefractError('CONFIG.INVALID', `no dead letter ${JSON.stringify(id)} in the ${leg} leg's backlog (${await deadLetters.depth(leg)} letters; ` +
          `looked at ${session.scanned}); \`refract dead-letters list ${leg}\` prints their ids`, { field: 'id', value: id });
      }
      if (flags.json) { out(asJson(letter)); return; }
      out(`id             ${letter.id}`);
      out(`leg            ${letter.leg}`);
      out(`code           ${letter.code}`);
      out(`reason         ${letter.reason}`);
      out(`key            ${letter.key}`);
      out(`source topic   ${letter.sourceTopic}`);
      out(`dead-lettered  ${new Date(letter.deadLetteredAt).toISOString()}`);
      out(`re-drives      ${redriveCount(letter)}`);
      out('properties');
      for (const [name, value] of Object.entries(letter.properties)) out(`  ${name} = ${value}`);
      if (letter.stack) out(`stack\n${letter.stack.replace(/^/gm, '  ')}`);
      if (letter.payloadOmitted !== undefined) out(`payload        left out: ${letter.payloadOmitted} bytes were too large to keep (cannot be re-driven)`);
      else out(`payload (${letter.payload.byteLength} bytes)\n${payloadText(letter.payload)}`);
    });

  pulsarFlags(group.command('stats').description('count a leg\'s dead letters by code and by source topic')
    .argument('<leg>', LEGS.join(' | ')).option('--sample <n>', 'read at most this many letters', '10000').option('--json', 'one JSON object'))
    .action(async (leg: string, flags: PulsarFlags & { sample: string; json?: boolean }) => {
      const { deadLetters } = await open(leg, flags);
      const depth = await deadLetters.depth(leg);
      const letters = await deadLetters.list(leg, count(flags.sample, 'sample'), { onScanned: scanning });
      const byCode = tally(letters, (l) => l.code);
      const bySource = tally(letters, (l) => l.sourceTopic);
      const byRedrives = tally(letters, (l) => String(redriveCount(l)));
      if (flags.json) { out(JSON.stringify({ leg, total: depth, counted: letters.length, byCode, bySource, byRedrives })); return; }
      out(letters.length >= depth ? `${depth} dead letter(s) for the ${leg} leg` : `${depth} dead letter(s) for the ${leg} leg; counted ${letters.length} of ${depth}`);
      const section = (title: string, counts: Record<string, number>, example?: (value: string) => string) => {
        out(title);
        for (const [value, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) out(`  ${String(n).padStart(7)}  ${value || '(none)'}${example ? example(value) : ''}`);
      };
      section('by code', byCode, (code) => `  e.g. ${letters.find((l) => l.code === code)?.reason.slice(0, PREVIEW) ?? ''}`);
      section('by source topic', bySource);
      section('by re-drives so far', byRedrives);
    });

  pulsarFlags(group.command('redrive').description('publish letters again to their source topic, original bytes, key and properties; remove each once persisted')
    .argument('<leg>', LEGS.join(' | '))
    .option('--code <code>', 'only letters with this error code (e.g. EVENT.UNKNOWN_ENTITY_TYPE)')
    .option('--key <key>', 'only letters with this key (entity id)')
    .option('--dry-run', 'say what would be re-driven; publish and remove nothing')
    .option('--max-redrives <n>', 'refuse a letter already re-driven this many times', String(DEFAULT_MAX_REDRIVES))
    .option('--limit <n>', 're-drive at most this many letters')
    .option('--json', 'the report as one JSON object'))
    .action(async (leg: string, flags: RedriveFlags) => {
      const maxRedrives = count(flags.maxRedrives, 'max-redrives');
      const limit = flags.limit === undefined ? undefined : count(flags.limit, 'limit');
      const { config, deadLetters } = await open(leg, flags);
      const log = await createEventLog({ ...config, eventLog: 'pulsar' }, createLogger(config), { producerName: 'refract-redrive' });
      try {
        note(`${flags.dryRun ? 'dry run: ' : ''}re-driving the ${leg} leg's dead letters${flags.code ? ` with code ${flags.code}` : ''}` +
          `${flags.key ? ` with key ${flags.key}` : ''} (${await deadLetters.depth(leg)} waiting)`);
        const report = await redrive(deadLetters, log, {
          leg, maxRedrives, runId: randomUUID(), dryRun: flags.dryRun === true,
          ...(flags.code !== undefined ? { code: flags.code } : {}), ...(flags.key !== undefined ? { key: flags.key } : {}),
          ...(limit !== undefined ? { limit } : {}),
          onScanned: scanning,
          onProgress: (p) => note(`  round ${p.round}: ${p.matched} matched, ${p.redriven} ${flags.dryRun ? 'to re-drive' : 're-driven'}, ${p.refused} refused, ${p.failed} failed`),
        });
        if (flags.json) out(JSON.stringify(report));
        else printReport(report);
        if (report.failed.length) process.exitCode = 1;
      } finally {
        await log.close();
      }
    });
}

async function open(leg: string, flags: PulsarFlags): Promise<{ config: RefractConfig; deadLetters: DeadLetters }> {
  if (!LEGS.includes(leg)) throw new RefractError('CONFIG.INVALID', `unknown leg ${JSON.stringify(leg)}: one of ${LEGS.join(', ')}`, { field: 'leg', value: leg });
  const config = pulsarConfig(flags);
  return { config, deadLetters: await createDeadLetters({ ...config, eventLog: 'pulsar' }) };
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RefractError('CONFIG.INVALID', `flag --${flag} must be a positive integer (got ${JSON.stringify(value)})`, { field: flag, value });
  return n;
}

function printReport(report: RedriveReport): void {
  const verb = report.dryRun ? 'would re-drive' : 're-drove';
  const kept = report.refused.length + report.failed.length ? ' (kept in the dead letters)' : '';
  out(`${verb} ${report.redriven.length} letter(s) of the ${report.leg} leg; ${report.refused.length} refused, ${report.failed.length} failed${kept}`);
  const items = (title: string, list: readonly RedriveItem[]) => {
    if (!list.length) return;
    out(title);
    for (const i of list.slice(0, SHOWN)) out(`  ${i.id}  [${i.code}] key ${i.key} → ${i.sourceTopic}${i.why ? `: ${i.why}` : ` (re-drive ${i.redrives})`}`);
    if (list.length > SHOWN) out(`  … and ${list.length - SHOWN} more`);
  };
  items(report.dryRun ? 'would re-drive' : 're-driven', report.redriven);
  items('refused', report.refused);
  items('failed', report.failed);
}

const redrives = (letter: StoredDeadLetter) => (redriveCount(letter) ? `  re-driven ${redriveCount(letter)}×` : '');
const asJson = (letter: StoredDeadLetter) => JSON.stringify({ ...letter, payload: Buffer.from(letter.payload).toString('base64') });

function payloadText(payload: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return `(not UTF-8; base64) ${Buffer.from(payload).toString('base64')}`;
  }
}

function tally(letters: readonly StoredDeadLetter[], by: (letter: StoredDeadLetter) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of letters) counts[by(letter)] = (counts[by(letter)] ?? 0) + 1;
  return counts;
}
