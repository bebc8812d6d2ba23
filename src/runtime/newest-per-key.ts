/**
 * Keeps, per key, the command with the highest version; the rest of a batch's commands for
 * that key are stale before they reach the store. `positions` lists every input position
 * the survivor stands for, so a rejection can be traced back to all of them.
 */
export function newestPerKey<C extends { readonly version: number }>(
  commands: readonly C[],
  keyOf: (command: C) => string,
): { survivors: { command: C; positions: number[] }[]; superseded: number } {
  const byKey = new Map<string, { command: C; positions: number[] }>();
  commands.forEach((command, position) => {
    const key = keyOf(command);
    const current = byKey.get(key);
    if (!current) byKey.set(key, { command, positions: [position] });
    else {
      current.positions.push(position);
      if (command.version > current.command.version) current.command = command;
    }
  });
  const survivors = [...byKey.values()];
  return { survivors, superseded: commands.length - survivors.length };
}
