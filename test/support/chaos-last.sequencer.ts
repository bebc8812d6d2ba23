import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Test files that stop and restart the shared servers: they live here and must run alone and last. */
export const CHAOS_DIR = '/test/int/chaos/';

/**
 * Vitest's own order, except that files under test/int/chaos/ go after every other file. The
 * integration project runs one file at a time (fileParallelism: false), so nothing else is
 * using the servers while a chaos test restarts them, and no later test meets a server that
 * is still coming back.
 */
export class ChaosLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isChaos = (spec: TestSpecification) => spec.moduleId.includes(CHAOS_DIR);
    return [...sorted.filter((spec) => !isChaos(spec)), ...sorted.filter(isChaos)];
  }
}
