import { decodeEvent, RefractError } from '../domain/index.ts';
import type { OutgoingMessage } from '../ports/index.ts';
import type { DivergenceCategory } from './reconcile-classify.ts';
import { openReader } from './reconcile-expected.ts';
import type { ReconcileOptions, ReconcileReport } from './reconcile-options.ts';
import { REDRIVE_LEG } from './redrive-letter.ts';

/** What a re-drive cannot fix, with how many keys and what to do instead. */
export interface NotRepairable {
  readonly category: DivergenceCategory;
  readonly store: string;
  readonly count: number;
  readonly fix: string;
}

export interface RepairOutcome {
  /** Entities whose newest message was published again. */
  readonly republished: number;
  /** Entities to re-drive whose message the log no longer holds (or no longer decodes). */
  readonly notFound: number;
  readonly notRepairable: readonly NotRepairable[];
}

const FIXES: Partial<Record<DivergenceCategory, string>> = {
  ahead: 'a version cannot be lowered by a re-drive: rebuild this store from the log (refract rebuild)',
  notOnLog: 'no event on the log wrote it: rebuild this store from the log, or remove the element by hand',
  orphanPlaceholder: 'removed by refract graph purge (orphan placeholders go whatever --older-than says)',
};

/**
 * Re-drives what `reconcile` found short of the log: for each entity to re-drive, its newest
 * message is read from the log and published again, as it was (bytes, key, properties, topic),
 * so both legs apply it under their version guards (a store already there counts it stale).
 * Reads the log once more, keeping only those entities' newest messages.
 */
export async function repairDivergence(options: ReconcileOptions, report: ReconcileReport): Promise<RepairOutcome> {
  const notRepairable = report.legs.flatMap((leg) => Object.entries(FIXES).flatMap(([category, fix]) => {
    const count = leg.counts[category as DivergenceCategory];
    return count ? [{ category: category as DivergenceCategory, store: leg.store, count, fix }] : [];
  }));
  const wanted = new Set(report.legs.flatMap((leg) => leg.redrive));
  if (!wanted.size) return { republished: 0, notFound: 0, notRepairable };

  const pageSize = options.pageSize ?? 500;
  const newest = new Map<string, { version: number; message: OutgoingMessage }>();
  const reader = await openReader(options.log, options.app);
  try {
    for (let page = await reader.next(pageSize); page.length; page = await reader.next(pageSize)) {
      for (const m of page) {
        let entity: string;
        let version: number;
        try {
          ({ entity_id: entity, version } = decodeEvent(m.payload, options.app.catalog));
        } catch {
          continue;
        }
        if (!wanted.has(entity) || (newest.get(entity)?.version ?? 0) > version) continue;
        newest.set(entity, { version, message: { topic: m.topic, key: m.key, payload: m.payload, properties: forEveryLeg(m.properties) } });
      }
    }
  } finally {
    await reader.close();
  }

  const messages = [...newest.values()].map((n) => n.message);
  let republished = 0;
  for (let i = 0; i < messages.length; i += pageSize) {
    const result = await options.log.publish(messages.slice(i, i + pageSize));
    republished += result.persisted;
    if (result.failed.length) {
      throw new RefractError('LOG.UNAVAILABLE', `repair: ${result.failed.length} re-driven messages were not persisted (${result.failed[0]?.reason ?? ''}); ${republished} were; run reconcile again`, { republished });
    }
    options.onProgress?.({ phase: 'repair', republished, entities: newest.size });
  }
  options.logger?.info(`reconcile --repair: re-published the newest message of ${republished} entities`, { republished, notFound: wanted.size - newest.size });
  return { republished, notFound: wanted.size - newest.size, notRepairable };
}

/** A copy re-driven for one leg would be skipped by the others: a repair is for every leg. */
function forEveryLeg(properties: Readonly<Record<string, string>>): Record<string, string> {
  const { [REDRIVE_LEG]: _leg, ...rest } = properties;
  return rest;
}
