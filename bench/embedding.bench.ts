import { createMiniLmEmbedder } from '../src/adapters/embedding/minilm-embedder.ts';
import { createHashingEmbedder } from '../src/adapters/embedding/hashing-embedder.ts';
import { generateBankingEvents } from '../src/adapters/synthetic/banking-generator.ts';
import { textHash } from '../src/domain/index.ts';
import { prepareModel } from '../scripts/prepare-model.ts';
import { countingEmbedder } from '../test/support/counting-embedder.ts';
import { embeddedParts, publishEvents, runBothLegs } from '../test/support/embedded-pipeline.ts';
import type { Figure } from './report.ts';

/** Texts like the ones the vector leg embeds: persons and companies from the generator. */
function sampleTexts(n: number): string[] {
  return generateBankingEvents({ seed: 77, entities: n * 3 })
    .flatMap((m) => (m.event?.text_for_embedding ? [m.event.text_for_embedding] : []))
    .slice(0, n);
}

/** all-MiniLM-L6-v2 on this CPU: one call per batch of 32 vs one call per text. */
export async function benchEmbedding(): Promise<Figure[]> {
  const { dir } = await prepareModel({ log: () => undefined });
  const embedder = await createMiniLmEmbedder({ modelDir: dir, batchSize: 32 });
  const texts = sampleTexts(256);
  await embedder.embed(texts.slice(0, 32)); // warm-up
  let started = performance.now();
  for (const text of texts.slice(0, 96)) await embedder.embed([text]);
  const single = 96 / ((performance.now() - started) / 1000);
  started = performance.now();
  await embedder.embed(texts);
  const batched = texts.length / ((performance.now() - started) / 1000);
  return [
    { name: 'MiniLM embedding, batches of 32', value: batched, unit: 'texts/s', baseline: single, baselineName: 'one text per call', target: '≥ 3×' },
  ];
}

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
