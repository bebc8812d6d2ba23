import type { App } from '../projections/app.ts';
import { buildStates } from '../projections/fingerprint.ts';
import type { BuildRecords, Logger } from '../ports/index.ts';

/**
 * At a runner's start (docs/adr/0018): a projection side never built before is recorded as
 * built with its current definition (the runner builds it from the log now); one whose version
 * or definition changed since its read model was built is reported, once, as needing a rebuild.
 * The runner goes on either way: new events are written with the current definition.
 */
export async function noteBuilds(app: App, records: BuildRecords, logger: Logger): Promise<{ needRebuild: string[] }> {
  const states = buildStates(app.projections, await records.read());
  const fresh = states.filter((s) => s.state === 'never built');
  const built = fresh.map(({ projection, leg, version, fingerprint }) => ({ projection, leg, version, fingerprint }));
  if (built.length) await records.record(built);
  const stale = states.filter((s) => s.state === 'needs rebuild');
  for (const s of stale) {
    const why = s.recorded && s.recorded.version !== s.version
      ? `was built with version ${s.recorded.version}, is now ${s.version}`
      : 'its definition changed since its read model was built';
    logger.warn(`projection ${s.projection} (${s.leg} leg) needs a rebuild: ${why}; run "refract rebuild ${s.projection} --leg ${s.leg}"`, {
      projection: s.projection, leg: s.leg,
    });
  }
  return { needRebuild: stale.map((s) => `${s.leg}/${s.projection}`) };
}
