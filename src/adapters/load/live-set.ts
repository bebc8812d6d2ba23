/** Indices of live entities, with O(1) add, remove and a uniform random pick. */
export function createLiveSet(capacity: number) {
  const items: number[] = [];
  const at = new Int32Array(capacity).fill(-1);
  return {
    size: () => items.length,
    add(i: number) {
      if (at[i] !== -1) return;
      at[i] = items.length;
      items.push(i);
    },
    remove(i: number) {
      const k = at[i] ?? -1;
      if (k === -1) return;
      const last = items.pop() as number;
      if (last !== i) {
        items[k] = last;
        at[last] = k;
      }
      at[i] = -1;
    },
    any: (rnd: () => number) => items[Math.floor(rnd() * items.length)] as number,
  };
}
