import { seededRandom } from '../../../src/adapters/memory/seeded-random.ts';

/** The same seed replays the same chaos: the project's seeded generator (mulberry32), numbers in [0, 1). */
export const seeded = seededRandom;

/** The seed of this run: REFRACT_CHAOS_SEED replays one, otherwise a fresh one (printed by the test). */
export function chaosSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env['REFRACT_CHAOS_SEED'];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`REFRACT_CHAOS_SEED=${given} is not a non-negative integer`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
