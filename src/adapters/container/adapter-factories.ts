import type { RefractConfig } from '../config/config.ts';
import { join } from 'node:path';
import { RefractError } from '../../domain/index.ts';
import type { BuildRecords, DeadLetters, Embedder, EventLog, GraphStore, Logger, VectorGenerations, VectorStore } from '../../ports/index.ts';
import { serverAuth } from '../config/server-auth.ts';
import { createFileInFlightJournal } from '../filesystem/file-inflight-journal.ts';
import { createPinoLogger } from '../logging/pino-logger.ts';
import { createMemoryInFlightJournal } from '../memory/memory-inflight-journal.ts';
import type { JournalFactory } from './tokens.ts';
import { createHashingEmbedder } from '../embedding/hashing-embedder.ts';
import { createMemoryDeadLetters } from '../memory/memory-dead-letters.ts';
import { createMemoryEventLog } from '../memory/memory-event-log.ts';
import { createMemoryGraphStore } from '../memory/memory-graph-store.ts';
import { createMemoryVectorStore } from '../memory/memory-vector-store.ts';

/**
 * One factory per adapter choice. Server adapters are imported lazily, so the embedded
 * demo never loads a driver it does not use.
 */
export async function createEventLog(config: RefractConfig, logger: Logger, options: { producerName?: string } = {}): Promise<EventLog> {
  switch (config.eventLog) {
    case 'memory':
      return createMemoryEventLog();
    case 'pulsar': {
      const { createPulsarEventLog } = await import('../pulsar/pulsar-event-log.ts');
      return createPulsarEventLog({
        webUrl: config.pulsarUrl, auth: serverAuth(config, 'pulsar'), tenant: config.pulsarTenant, namespace: config.pulsarNamespace, logger,
        ...(options.producerName ? { producerName: options.producerName } : {}),
      });
    }
  }
}

export function createGraphStore(config: RefractConfig): Promise<GraphStore> {
  switch (config.graph) {
    case 'memory':
      return Promise.resolve(createMemoryGraphStore());
    case 'janusgraph':
      return import('../janusgraph/janusgraph-graph-store.ts').then(({ createJanusGraphStore }) =>
        createJanusGraphStore({ url: config.janusgraphUrl, auth: serverAuth(config, 'janusgraph') }));
  }
}

/** The store's vector dimension comes from the embedder, so the two can never disagree. */
export function createVectorStore(config: RefractConfig, embedder: Embedder, options: { indexPrefix?: string } = {}): Promise<VectorStore> {
  switch (config.vectors) {
    case 'memory':
      return Promise.resolve(createMemoryVectorStore());
    case 'opensearch':
      return import('../opensearch/opensearch-vector-store.ts').then(({ createOpenSearchVectorStore }) =>
        createOpenSearchVectorStore({
          node: config.opensearchUrl, auth: serverAuth(config, 'opensearch'), dimension: embedder.dimension, prefix: options.indexPrefix ?? config.indexPrefix,
        }));
  }
}

export async function createEmbedder(config: RefractConfig): Promise<Embedder> {
  switch (config.embedder) {
    case 'hashing':
      return createHashingEmbedder();
    case 'minilm': {
      const { createMiniLmEmbedder } = await import('../embedding/minilm-embedder.ts');
      const quantized = config.modelVariant === 'int8';
      // In process: the worker-thread embedder did not pay end to end on the busy machine (docs/adr/0014).
      return createMiniLmEmbedder(config.modelSource === 'hub' ? { allowRemote: true, quantized } : { modelDir: config.modelDir, quantized });
    }
  }
}


/** Dead letters live beside the log: a topic per leg on Pulsar, in process otherwise. */
export async function createDeadLetters(config: RefractConfig): Promise<DeadLetters> {
  switch (config.eventLog) {
    case 'memory':
      return createMemoryDeadLetters();
    case 'pulsar': {
      const { createPulsarDeadLetters } = await import('../pulsar/pulsar-dead-letters.ts');
      return createPulsarDeadLetters({ webUrl: config.pulsarUrl, auth: serverAuth(config, 'pulsar'), tenant: config.pulsarTenant, namespace: config.pulsarNamespace });
    }
  }
}

export function createLogger(config: RefractConfig): Logger {
  return createPinoLogger({ level: config.logLevel });
}

/**
 * The in-flight journal outlives the process only where the log does: a file per leg (and per
 * Pulsar namespace) under stateDir; in process for the embedded log, which a crash loses anyway.
 */
export function createJournals(config: RefractConfig): JournalFactory {
  switch (config.eventLog) {
    case 'memory':
      return () => createMemoryInFlightJournal();
    case 'pulsar':
      return (leg) => createFileInFlightJournal(join(config.stateDir, `inflight-${config.pulsarTenant}-${config.pulsarNamespace}-${leg}.json`));
  }
}

/** What each leg's read model was built with (docs/adr/0018): namespace properties on Pulsar, in process otherwise. */
export async function createBuildRecords(config: RefractConfig): Promise<BuildRecords> {
  switch (config.eventLog) {
    case 'memory': {
      const { createMemoryBuildRecords } = await import('../memory/memory-build-records.ts');
      return createMemoryBuildRecords();
    }
    case 'pulsar': {
      const { createPulsarBuildRecords } = await import('../pulsar/pulsar-build-records.ts');
      return createPulsarBuildRecords(config.pulsarUrl, { tenant: config.pulsarTenant, namespace: config.pulsarNamespace }, serverAuth(config, 'pulsar'));
    }
  }
}

/**
 * Blue/green generations of the vector indices, for a rebuild. Only a store that outlives the
 * process can be rebuilt beside its live generation: with embedded adapters every run builds
 * its stores from the log anyway.
 */
export async function createVectorGenerations(config: RefractConfig, embedder: Embedder): Promise<VectorGenerations> {
  if (config.vectors !== 'opensearch') {
    throw new RefractError('CONFIG.INVALID', `a rebuild needs vector stores that outlive the process (vectors: opensearch); vectors is ${config.vectors}, which every run builds from the log`, { field: 'vectors', value: config.vectors });
  }
  const { createOpenSearchGenerations } = await import('../opensearch/opensearch-generations.ts');
  return createOpenSearchGenerations({ node: config.opensearchUrl, auth: serverAuth(config, 'opensearch'), dimension: embedder.dimension, prefix: config.indexPrefix });
}
