import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../../config/config.ts';
import { TOKENS } from '../../container/tokens.ts';
import { buildContainer, resolvePipeline, type Pipeline } from '../../container/container.ts';
import { prepareServers } from '../../container/prepare-servers.ts';
import { bankingApp } from '../../../projections/banking/banking.app.ts';
import { generateBankingEvents } from '../../synthetic/banking-generator.ts';
import { generateAppEvents } from '../../synthetic/schema-arbitrary.ts';
import { createProgress } from '../progress.ts';
import { adapterFlags, configFlags } from './shared-flags.ts';
import { similarPersonsWithMoneyTrail, type PersonAnswer } from './demo-query.ts';
import { runBothLegs } from './run-legs.ts';

interface DemoFlags {
  entities: string;
  seed: string;
  query: string;
  k: string;
  duplicates: string;
  malformed: string;
  idPrefix?: string;
}

export function registerDemoCommand(program: Command): void {
  const command = program
    .command('demo')
    .description('generate banking events, publish them, run both legs to completion, print a summary and answer a query')
    .option('--entities <n>', 'distinct entities to generate', '5000')
    .option('--seed <n>', 'seed for reproducible data', '42')
    .option('--query <text>', 'text to find similar persons for', 'a nurse who looks after sick children')
    .option('--k <n>', 'how many similar persons', '3')
    .option('--duplicates <share>', 'share of events published twice', '0.02')
    .option('--malformed <share>', 'share of extra malformed events', '0.005')
    .option('--id-prefix <prefix>', 'put before every entity id (default: a fresh one per run; give an earlier run\'s to publish its ids again, "" for none)');
  adapterFlags(command).action(async (flags: DemoFlags & Record<string, unknown>) => {
    // The demo prints its own summary; its log shows only errors unless asked for more.
    const config = loadConfig({ logLevel: process.env.REFRACT_LOG_LEVEL ?? 'error', ...configFlags(flags) });
    const container = buildContainer(config);
    for (const line of await prepareServers(config, await container.getAsync(TOKENS.App))) process.stdout.write(`${line}\n`);
    const p = await resolvePipeline(container);
    try {
      await demo(p, flags);
    } finally {
      await Promise.all([p.log.close(), p.graph.close(), p.vectors.close()]);
    }
  });
}

async function demo(p: Pipeline, flags: DemoFlags): Promise<void> {
  const say = (line = '') => process.stdout.write(`${line}\n`);
  say(`Refract demo: event log=${p.config.eventLog} graph=${p.config.graph} vectors=${p.config.vectors} embedder=${p.embedder.modelId}`);
  const ids = demoIds(flags.idPrefix);
  say(ids.line);
  const banking = p.app === bankingApp;
  // Banking has a generator with realistic texts; any other application gets events derived from its schemas.
  const messages = banking
    ? generateBankingEvents({
      seed: Number(flags.seed), entities: Number(flags.entities),
      duplicateShare: Number(flags.duplicates), malformedShare: Number(flags.malformed), idPrefix: ids.prefix,
    })
    : generateAppEvents(p.app, {
      seed: Number(flags.seed), entities: Number(flags.entities), duplicateShare: Number(flags.duplicates), idPrefix: ids.prefix,
    });
  say(`generated ${messages.length} messages for ${flags.entities} ${p.app.name} entities (seed ${flags.seed})`);
  const progress = createProgress();
  const started = performance.now();
  for (let i = 0; i < messages.length; i += 1000) {
    const chunk = messages.slice(i, i + 1000).map((m) => {
      const properties: Record<string, string> = m.event
        ? { event_id: m.event.event_id, entity_type: m.event.entity_type, version: String(m.event.version) }
        : {};
      return { topic: m.topic, key: m.key, payload: m.payload, properties };
    });
    const result = await p.log.publish(chunk);
    if (result.failed.length) throw new Error(`publish failed for ${result.failed.length} messages: ${result.failed[0]?.reason ?? ''}`);
    progress.update('publish', Math.min(i + 1000, messages.length), messages.length);
  }
  const received = { graph: 0, vector: 0 };
  const stats = await runBothLegs(p, {
    stopWhenDrained: true,
    onBatch: (leg, n) => {
      received[leg as 'graph' | 'vector'] += n;
      progress.update(leg, Math.min(received[leg as 'graph' | 'vector'], messages.length), messages.length);
    },
  });
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  const counts = await p.graph.count();
  const perIndex = await Promise.all(p.app.indices.map(async (i) => `${i.name} ${await p.vectors.count(i.name)}`));

  say();
  say(`Summary (${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version})`);
  say(`  published        ${messages.length} messages in ${seconds.toFixed(2)} s: ${Math.round(messages.length / seconds)} events/s through both legs`);
  for (const leg of ['graph', 'vector'] as const) {
    const s = stats[leg];
    say(`  ${leg.padEnd(6)} leg      received ${s.received}, applied ${s.applied}, stale ${s.stale}, dead-lettered ${s.deadLettered}, retries ${s.storeRetries}`);
  }
  say(`  embeddings       computed ${stats.vector.embeddingsComputed}, reused ${stats.vector.embeddingsReused}`);
  say(`  read models      ${counts.vertices} vertices, ${counts.edges} edges; vector documents: ${perIndex.join(', ') || 'no index declared'}`);
  const letters = await p.deadLetters.list('graph', 3);
  if (letters.length) say(`  dead letter e.g. [${letters[0]?.code ?? ''}] ${letters[0]?.reason ?? ''}`);

  const k = Number(flags.k);
  say();
  if (banking) {
    say(`Query: the ${k} persons most like "${flags.query}", their accounts, and who their latest payments went to`);
    printAnswers(say, await similarPersonsWithMoneyTrail(p, flags.query, k));
    return;
  }
  const index = p.app.indices[0];
  if (!index) return;
  const [vector] = await p.embedder.embed([flags.query]);
  const hits = vector ? await p.vectors.search(index.name, vector, k) : [];
  say(`Query: the ${k} documents of ${index.name} most like "${flags.query}"`);
  if (!hits.length) say('  (none indexed)');
  hits.forEach((hit, i) => say(`  ${i + 1}. ${hit.id}  score ${hit.score.toFixed(3)}  ${Object.entries(hit.fields).map(([key, v]) => `${key}=${String(v)}`).join('  ')}`));
}

/**
 * The ids a demo run publishes under. The same seed always yields the same events, so on
 * servers that keep their data a second run with the same ids would find every version already
 * there and count it all stale. By default each run takes a fresh prefix and writes new
 * entities; reusing one is a choice, and shows the version guard at work.
 */
export function demoIds(given: string | undefined, fresh: () => string = () => randomUUID().slice(0, 6)): { prefix: string; line: string } {
  if (given !== undefined) {
    const named = given === '' ? 'ids without a prefix' : `ids prefixed "${given}"`;
    return { prefix: given, line: `${named}, as asked: what an earlier run already published under them counts as stale, not applied again` };
  }
  const prefix = `demo-${fresh()}-`;
  return { prefix, line: `ids prefixed "${prefix}", fresh for this run (--id-prefix ${prefix} publishes the same ids again: then every event counts as stale)` };
}

function printAnswers(say: (line?: string) => void, answers: readonly PersonAnswer[]): void {
  if (!answers.length) say('  (no persons indexed)');
  answers.forEach((a, i) => {
    say(`  ${i + 1}. ${a.name} (${a.id}), ${a.occupation} in ${a.city}  score ${a.score.toFixed(3)}`);
    if (!a.accounts.length) say('       no accounts');
    for (const account of a.accounts) {
      say(`       account ${account.id} ${account.iban}`);
      for (const t of account.latest) say(`         ${t.at.slice(0, 10)}  ${t.amount.toFixed(2).padStart(10)} ${t.currency} → ${t.counterparty}`);
      if (!account.latest.length) say('         no outgoing transactions');
    }
  });
}
