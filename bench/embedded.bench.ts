import { loadConfig } from '../src/adapters/config/config.ts';
import { runBothLegs } from '../src/adapters/cli/commands/run-legs.ts';
import { buildContainer, resolvePipeline } from '../src/adapters/container/container.ts';
import { generateBankingEvents, type GeneratedMessage } from '../src/adapters/synthetic/banking-generator.ts';
import type { Figure } from './report.ts';

/** Both legs on the embedded adapters with the hashing embedder; events/s counted once per event. */
async function eventsPerSecond(messages: readonly GeneratedMessage[], batchSize: number): Promise<number> {
  const p = await resolvePipeline(buildContainer(loadConfig({ batchSize, maxWaitMs: 0, logLevel: 'error' })));
  const started = performance.now();
  for (let i = 0; i < messages.length; i += 5000) {
    await p.log.publish(messages.slice(i, i + 5000).map((m) => ({ topic: m.topic, key: m.key, payload: m.payload, properties: {} })));
  }
  await runBothLegs(p, { stopWhenDrained: true });
  return messages.length / ((performance.now() - started) / 1000);
}

export async function benchEmbedded(total = 100_000, singleSample = 10_000): Promise<Figure[]> {
  const messages = generateBankingEvents({ seed: 2026, entities: Math.ceil(total / 1.9), duplicateShare: 0.01 }).slice(0, total);
  await eventsPerSecond(messages.slice(0, 5_000), 100); // warm-up: JIT, module loading
  const one = await eventsPerSecond(messages.slice(0, singleSample), 1);
  const batched = await eventsPerSecond(messages, 100);
  return [
    { name: `embedded pipeline, batches of 100 (${messages.length} events)`, value: batched, unit: 'events/s', baseline: one, baselineName: `one at a time (${singleSample} events)`, target: '≥ 20,000 events/s' },
  ];
}
