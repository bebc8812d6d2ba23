import { isRefractError, RefractError } from '../../domain/index.ts';
import type { IndexGeneration, VectorGenerations } from '../../ports/index.ts';
import { DEFAULT_INDEX_PREFIX, FIRST_GENERATION, vectorIndexNames } from './index-names.ts';
import { aliasTarget, checkDimension, initVectorIndices } from './init-vector-indices.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { clientOptions, createOpenSearchClient } from './opensearch-client.ts';
import { createOpenSearchVectorStore } from './opensearch-vector-store.ts';
import { toStoreError } from './store-errors.ts';
import { vectorIndexBody } from './vector-index-body.ts';

export interface OpenSearchGenerationsConfig {
  readonly node: string;
  /** The user, password and CA for a secured cluster (docs/adr/0022). */
  readonly auth?: ServerAuth;
  readonly prefix?: string;
  readonly dimension: number;
  readonly requestTimeoutMs?: number;
}

/**
 * Blue/green generations behind each vector alias (docs/adr/0018): `refract-person` points at
 * `refract-person-v1`; a rebuild fills `refract-person-v2` beside it and one `_aliases` request
 * moves every alias of the rebuild at once, so a search sees either all old or all new indices.
 */
export function createOpenSearchGenerations(config: OpenSearchGenerationsConfig): VectorGenerations {
  const client = createOpenSearchClient(config.node, clientOptions(config));
  const prefix = config.prefix ?? DEFAULT_INDEX_PREFIX;
  const call = async <T>(action: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw isRefractError(error) ? error : toStoreError(error, action);
    }
  };

  return {
    async prepare(indices) {
      const generations: IndexGeneration[] = [];
      for (const index of indices) {
        const { alias } = vectorIndexNames(prefix, index);
        // A cluster that never saw this index gets its first generation, so there is a live one to replace.
        const live = (await aliasTarget(client, alias))
          ?? (await initVectorIndices({ client, indices: [index], dimension: config.dimension, prefix }))[0]?.index
          ?? `${alias}-${FIRST_GENERATION}`;
        const next = nextGeneration(alias, live);
        // A generation left by a rebuild that did not finish is never live (the alias is checked above): start it afresh.
        const { body: exists } = await call(`checking for ${next}`, () => client.indices.exists({ index: next }));
        if (exists) await call(`deleting the unfinished generation ${next}`, () => client.indices.delete({ index: next }));
        await call(`creating ${next}`, () => client.indices.create({ index: next, body: vectorIndexBody(config.dimension) }));
        generations.push({ index, alias, live, next });
      }
      const byIndex = new Map(generations.map((g) => [g.index, g.next]));
      const store = createOpenSearchVectorStore({
        node: config.node, prefix, dimension: config.dimension,
        ...(config.requestTimeoutMs ? { requestTimeoutMs: config.requestTimeoutMs } : {}),
        ...(config.auth ? { auth: config.auth } : {}),
        concreteIndexOf: (index) => {
          const next = byIndex.get(index);
          if (!next) throw new RefractError('STORE.FAILED', `the rebuild has no new generation of index ${index}`, { index });
          return next;
        },
      });
      return { generations, store };
    },

    async promote(generations) {
      if (!generations.length) return;
      // Written without require_alias: an index deleted and auto-created meanwhile would have no vector mapping.
      for (const g of generations) await checkDimension(client, g.next, config.dimension);
      // `remove` fails when the alias no longer points at the generation we replaced, and then
      // the whole request fails: a concurrent rebuild is never silently overwritten.
      const actions = generations.flatMap((g) => [
        { remove: { index: g.live, alias: g.alias } },
        { add: { index: g.next, alias: g.alias } },
      ]);
      await call(`moving ${generations.map((g) => g.alias).join(', ')} to the new generation`, () =>
        client.indices.updateAliases({ body: { actions } }));
    },

    async drop(names) {
      for (const index of names) {
        const live = await call(`reading the aliases of ${index}`, () => client.indices.getAlias({ index }, { ignore: [404] }));
        const aliases = Object.keys((live.body as Record<string, { aliases?: object }>)[index]?.aliases ?? {});
        if (aliases.length) {
          throw new RefractError('CONFIG.INVALID', `index ${index} is still behind alias ${aliases.join(', ')}: only a generation nothing reads is dropped`, { index });
        }
        if (live.statusCode === 404) continue;
        await call(`deleting ${index}`, () => client.indices.delete({ index }));
      }
    },

    close: () => client.close(),
  };
}

/** `refract-person-v1` → `refract-person-v2`; an index named otherwise is followed by `-v2`. */
export function nextGeneration(alias: string, live: string): string {
  const match = new RegExp(`^${escape(alias)}-v(\\d+)$`).exec(live);
  return `${alias}-v${match ? Number(match[1]) + 1 : 2}`;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
