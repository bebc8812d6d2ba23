import type { Command } from 'commander';
import { serverOrigin } from '../../shared/server-origin.ts';
import { RefractError } from '../../../domain/index.ts';
import { loadConfig, type RefractConfig } from '../../config/config.ts';
import { serverAuth } from '../../config/server-auth.ts';
import { loadApp } from '../../config/load-app.ts';
import { createEmbedder, createVectorStore } from '../../container/adapter-factories.ts';
import { parseDuration } from './graph.ts';
import { oneShotRetry } from '../one-shot-retry.ts';
import { appFlag } from './shared-flags.ts';

interface VectorFlags {
  app?: string;
  opensearchUrl?: string;
  embedder?: string;
  modelDir?: string;
  indexPrefix?: string;
}

const say = (line = '') => process.stdout.write(`${line}\n`);

/** Flags shared by the vector commands; they override REFRACT_OPENSEARCH_URL, REFRACT_EMBEDDER, REFRACT_MODEL_DIR. */
function vectorFlags(command: Command): Command {
  return appFlag(command)
    .option('--opensearch-url <url>', 'OpenSearch REST endpoint (env REFRACT_OPENSEARCH_URL)')
    .option('--embedder <kind>', 'hashing | minilm: decides the vector dimension (env REFRACT_EMBEDDER)')
    .option('--model-dir <dir>', 'MiniLM model directory (env REFRACT_MODEL_DIR)')
    .option('--index-prefix <prefix>', 'index and alias names start with it (env REFRACT_INDEX_PREFIX, default refract-)');
}

function configFrom(flags: VectorFlags): RefractConfig {
  const { app, opensearchUrl, embedder, modelDir, indexPrefix } = flags;
  return loadConfig({ app, opensearchUrl, embedder, modelDir, indexPrefix });
}

/** `refract vectors init` and `refract search`: the OpenSearch side of the vector leg, by hand. */
export function registerVectorsCommands(program: Command): void {
  const vectors = program.command('vectors').description('manage the OpenSearch k-NN indices of the vector leg');
  vectorFlags(
    vectors.command('init').description('create the indices the application\'s projections declare, and their aliases (idempotent)'),
  ).action(async (flags: VectorFlags) => {
    const config = configFrom(flags);
    const indices = (await loadApp(config)).indices.map((i) => i.name);
    const embedder = await createEmbedder(config);
    const { createOpenSearchClient } = await import('../../opensearch/opensearch-client.ts');
    const { initVectorIndices } = await import('../../opensearch/init-vector-indices.ts');
    const client = createOpenSearchClient(config.opensearchUrl, { auth: serverAuth(config, 'opensearch') });
    try {
      // Idempotent (an index found is left alone), so a retry after a transient failure is safe.
      const statuses = await oneShotRetry()('vectors init', () =>
        initVectorIndices({ client, indices, dimension: embedder.dimension, prefix: config.indexPrefix }));
      say(`OpenSearch ${serverOrigin(config.opensearchUrl)}, ${embedder.dimension}-dimension vectors (${embedder.modelId})`);
      for (const s of statuses) say(`  ${s.created ? 'created' : 'found  '}  ${s.alias} -> ${s.index}`);
    } finally {
      await client.close();
    }
  });

  vectorFlags(
    program
      .command('search')
      .description('find the stored documents most similar to a text (k-NN on OpenSearch)')
      .argument('<text>', 'the text to embed and search for')
      .option('--type <index>', 'the index to search, as a projection declares it (the banking app: person | company)', 'person')
      .option('--k <n>', 'how many hits', '10'),
  ).action(async (text: string, flags: VectorFlags & { type: string; k: string }) => {
    const k = Number(flags.k);
    if (!Number.isInteger(k) || k < 1) {
      throw new RefractError('CONFIG.INVALID', `flag --k must be a positive integer (got ${JSON.stringify(flags.k)})`, { field: 'k', value: flags.k });
    }
    const config = configFrom(flags);
    const declared = (await loadApp(config)).indices.map((i) => i.name);
    if (!declared.includes(flags.type)) {
      throw new RefractError('CONFIG.INVALID', `flag --type: no projection declares an index ${JSON.stringify(flags.type)} (declared: ${declared.join(', ')})`, { field: 'type', value: flags.type });
    }
    const embedder = await createEmbedder(config);
    const store = await createVectorStore({ ...config, vectors: 'opensearch' }, embedder);
    try {
      const [vector] = await embedder.embed([text]);
      if (!vector) throw new Error('the embedder returned no vector');
      const hits = await store.search(flags.type, vector, k);
      say(`${hits.length} ${flags.type} hit(s) for "${text}" (${embedder.modelId}, cosine similarity)`);
      hits.forEach((hit, i) => {
        const fields = Object.entries(hit.fields).map(([key, value]) => `${key}=${String(value)}`).join('  ');
        say(`${String(i + 1).padStart(3)}. ${hit.score.toFixed(4)}  ${hit.id}  ${fields}`);
      });
    } finally {
      await store.close();
    }
  });

  vectorFlags(
    vectors.command('purge').description(
      'remove vector tombstones deleted longer ago than --older-than, page by page; a purged id no longer stops an older event replayed later (docs/adr/0002)',
    ),
  )
    .option('--older-than <duration>', 'only tombstones deleted longer ago than this: 30m, 12h, 7d; keep it above the longest delay of any event', '7d')
    .action(async (flags: VectorFlags & { olderThan: string }) => {
      const age = parseDuration(flags.olderThan, 'older-than');
      const config = configFrom(flags);
      const indices = (await loadApp(config)).indices.map((i) => i.name);
      const store = await createVectorStore({ ...config, vectors: 'opensearch' }, await createEmbedder(config));
      try {
        const started = Date.now();
        const olderThan = started - age;
        say(`OpenSearch ${serverOrigin(config.opensearchUrl)}: purging tombstones deleted before ${new Date(olderThan).toISOString()}`);
        for (const index of indices) {
          let last = started;
          const purged = await store.purge(index, {
            olderThan,
            onProgress: ({ purged: n, done }) => {
              if (Date.now() - last < 1_000) return;
              last = Date.now();
              process.stderr.write(`purge ${index}: ${Math.floor(done * 100)}% walked, ${n} tombstones removed\n`);
            },
          });
          say(`  ${config.indexPrefix}${index}: ${purged} tombstone(s) removed, ${await store.count(index)} live documents`);
        }
      } finally {
        await store.close();
      }
    });
}
