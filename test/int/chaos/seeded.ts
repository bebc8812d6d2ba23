/** A small seeded generator (mulberry32): the same seed replays the same chaos, numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
