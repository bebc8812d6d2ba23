import type { ProjectionBuild } from '../../domain/index.ts';
import type { BuildRecords } from '../../ports/index.ts';

/** Build records in process: an embedded run builds its stores from scratch every time. */
export function createMemoryBuildRecords(): BuildRecords {
  const records = new Map<string, ProjectionBuild>();
  return {
    read: () => Promise.resolve([...records.values()]),
    record(builds) {
      for (const b of builds) records.set(`${b.leg}/${b.projection}`, { ...b });
      return Promise.resolve();
    },
  };
}
