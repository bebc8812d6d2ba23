import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createMiniLmEmbedder } from '../src/adapters/embedding/minilm-embedder.ts';
import { createMiniLmWorkerEmbedder } from '../src/adapters/embedding/minilm-worker-embedder.ts';
import { createHashingEmbedder } from '../src/adapters/embedding/hashing-embedder.ts';
import { generateBankingEvents } from '../src/adapters/synthetic/banking-generator.ts';
import { textHash } from '../src/domain/index.ts';
import type { Embedder } from '../src/ports/embedder.port.ts';
import { prepareModel } from '../scripts/prepare-model.ts';
import { countingEmbedder } from '../test/support/counting-embedder.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../test/support/embedded-pipeline.ts';
import type { Figure } from './report.ts';

/** Texts like the ones the vector leg embeds: persons and companies from the generator. */
export function sampleTexts(n: number): string[] {
  return generateBankingEvents({ seed: 77, entities: n * 3 })
    .flatMap((m) => (m.event?.text_for_embedding ? [m.event.text_for_embedding] : []))
    .slice(0, n);
}

/** Texts/s of one embedder over `texts` in one call (chunked by its batch size), after a warm-up. */
export async function textsPerSecond(embedder: Embedder, texts: readonly string[]): Promise<number> {
  await embedder.embed(texts.slice(0, 32));
  const started = performance.now();
  await embedder.embed(texts);
  return texts.length / ((performance.now() - started) / 1000);
}

/** all-MiniLM-L6-v2 on this CPU: batches of 32 vs one text per call, fp32 and int8. */
export async function benchEmbedding(): Promise<Figure[]> {
  const { dir } = await prepareModel({ log: () => undefined });
  await prepareModel({ dir, quantized: true, log: () => undefined });
  const texts = sampleTexts(256);
  const figures: Figure[] = [];
  for (const quantized of [false, true]) {
    const embedder = await createMiniLmEmbedder({ modelDir: dir, batchSize: 32, quantized });
    await embedder.embed(texts.slice(0, 32)); // warm-up
    const started = performance.now();
    for (const text of texts.slice(0, 96)) await embedder.embed([text]);
    const single = 96 / ((performance.now() - started) / 1000);
    figures.push({ name: `MiniLM ${quantized ? 'int8' : 'fp32'} embedding, batches of 32`, value: await textsPerSecond(embedder, texts), unit: 'texts/s', baseline: single, baselineName: 'one text per call', target: '≥ 3×' });
  }
  return [...figures, ...(await benchEventLoopWhileEmbedding(dir))];
}

/**
 * What the other leg feels while the vector leg embeds: the event-loop delay (p99 of 1 ms
 * ticks) during a 256-text int8 embed, the model in process vs in a worker thread. Each runs
 * in a child process of its own: onnxruntime-node keeps one native environment per process
 * and crashes when the main thread and a worker both load it.
 */
async function benchEventLoopWhileEmbedding(dir: string): Promise<Figure[]> {
  const local = await inChild('in-process', dir);
  const worker = await inChild('worker', dir);
  return [
    { name: 'event-loop delay p99 while embedding (worker)', value: worker.p99, unit: 'ms', baseline: local.p99, baselineName: 'model in process', target: '< 20 ms', lowerIsBetter: true },
    { name: 'MiniLM int8 in a worker thread, batches of 32', value: worker.rate, unit: 'texts/s', baseline: local.rate, baselineName: 'in process', target: '≥ 0.9×' },
  ];
}

interface LoopResult { readonly p99: number; readonly rate: number }

function inChild(mode: 'in-process' | 'worker', dir: string): Promise<LoopResult> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), EVENT_LOOP_CHILD, mode, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`event-loop child (${mode}) exited ${code}: ${output}`));
      else resolve(JSON.parse(line) as LoopResult);
    });
  });
}

async function eventLoopChild(mode: string, dir: string): Promise<void> {
  const config = { modelDir: dir, quantized: true, batchSize: 32 };
  const embedder = mode === 'worker' ? await createMiniLmWorkerEmbedder(config) : await createMiniLmEmbedder(config);
  const texts = sampleTexts(256);
  await embedder.embed(texts.slice(0, 32));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const rate = await textsPerSecond(embedder, texts);
  histogram.disable();
  process.stdout.write(`${JSON.stringify({ p99: histogram.percentile(99) / 1e6, rate })}\n`);
}

const EVENT_LOOP_CHILD = '--event-loop-child';
if (process.argv[2] === EVENT_LOOP_CHILD) await eventLoopChild(process.argv[3] ?? '', process.argv[4] ?? '');

/**
 * A metadata-only update workload through the real vector leg, counting model calls, next
 * to a baseline that hashes text and metadata together (as LangChain-style indexers do).
 */
export async function benchMetadataOnlyUpdates(entities = 2000): Promise<Figure[]> {
  const embedder = countingEmbedder(createHashingEmbedder());
  const parts = embeddedParts({}, { embedder });
  const creates = generateBankingEvents({ seed: 5, entities, updatesPerEntity: 0, deleteShare: 0 })
    .flatMap((m) => (m.event?.text_for_embedding && m.event.event_type === 'create' ? [m.event] : []));
  await publishEvents(parts.log, creates);
  await runBothLegs(parts);
  const before = embedder.texts.length;
  const updates = creates.map((e) => ({ ...e, event_type: 'update' as const, version: e.version + 1, payload: { ...e.payload, risk_rating: 'high', registration_number: 'HRB-0' } }));
  await publishEvents(parts.log, updates);
  await runBothLegs(parts);
  const refractCalls = embedder.texts.length - before;
  const stored = new Set(creates.map((e) => textHash(`${e.text_for_embedding ?? ''}${JSON.stringify(e.payload)}`, embedder.modelId)));
  const baselineCalls = updates.filter((e) => !stored.has(textHash(`${e.text_for_embedding ?? ''}${JSON.stringify(e.payload)}`, embedder.modelId))).length;
  return [
    { name: `texts embedded for ${updates.length} metadata-only updates`, value: refractCalls, unit: 'texts', baseline: baselineCalls, baselineName: 'a text+metadata hash', target: '0', lowerIsBetter: true },
  ];
}
