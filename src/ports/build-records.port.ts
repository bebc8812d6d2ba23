import type { ProjectionBuild } from '../domain/index.ts';

/**
 * What each leg's read model was built with, per projection (docs/adr/0018), kept beside the
 * log so every process and `refract status` see the same record.
 */
export interface BuildRecords {
  read(): Promise<ProjectionBuild[]>;
  /** Records these builds, replacing earlier records of the same leg and projection. */
  record(builds: readonly ProjectionBuild[]): Promise<void>;
}
