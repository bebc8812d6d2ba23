import { describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetters } from '../../src/ports/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A letter of `leg` for key `k-<n>`. */
export const someLetter = (leg: string, n: number, extra: Partial<DeadLetter> = {}): DeadLetter => ({
  leg, key: `k-${n}`, sourceTopic: n % 2 ? 'persons' : 'companies', payload: bytes(`{"n":${n}}`),
  reason: `bad ${n}`, code: n % 3 ? 'EVENT.INVALID' : 'EVENT.UNKNOWN_ENTITY_TYPE', properties: { origin: 'contract', n: String(n) }, ...extra,
});

const letters = (leg: string, count: number) => Array.from({ length: count }, (_, n) => someLetter(leg, n));

/**
 * What every DeadLetters must do. `make` returns the adapter and a leg no other test uses
 * (on shared servers: a fresh dead-letter topic).
 */
export function deadLettersContract(name: string, make: () => Promise<{ deadLetters: DeadLetters; leg: () => string }>, big = 1_200) {
  describe(`DeadLetters contract: ${name}`, () => {
    describe('when letters are sent and listed', () => {
      it('gives back each one whole, with an id that stays the same at every read, and counts them', async () => {
        const { deadLetters, leg } = await make();
        const mine = leg();
        await deadLetters.send([
          { ...someLetter(mine, 1), stack: 'Error: at somewhere', properties: { origin: 'contract', 'refract.redrives': '2' } },
          someLetter(mine, 2), someLetter(mine, 3),
        ]);
        const first = await deadLetters.list(mine, 10);
        const again = await deadLetters.list(mine, 10);
        expect(first).toHaveLength(3);
        expect(new Set(first.map((l) => l.id)).size).toBe(3);
        expect(again.map((l) => [l.id, l.key]).sort()).toEqual(first.map((l) => [l.id, l.key]).sort());
        const one = first.find((l) => l.key === 'k-1');
        expect(one).toMatchObject({
          leg: mine, sourceTopic: 'persons', reason: 'bad 1', code: 'EVENT.INVALID', stack: 'Error: at somewhere',
          properties: { origin: 'contract', 'refract.redrives': '2' },
        });
        expect(one && text(one.payload)).toBe('{"n":1}');
        expect(one?.deadLetteredAt).toBeGreaterThan(Date.now() - 600_000);
        expect(await deadLetters.depth(mine)).toBe(3);
        expect(await deadLetters.list(mine, 2)).toHaveLength(2);
      });

      it('keeps each leg\'s letters apart, and a leg without letters has none', async () => {
        const { deadLetters, leg } = await make();
        const [a, b, empty] = [leg(), leg(), leg()];
        await deadLetters.send([someLetter(a, 1), someLetter(b, 2), someLetter(a, 3)]);
        expect((await deadLetters.list(a, 10)).map((l) => l.key).sort()).toEqual(['k-1', 'k-3']);
        expect((await deadLetters.list(b, 10)).map((l) => l.key)).toEqual(['k-2']);
        expect(await deadLetters.list(empty, 10)).toEqual([]);
        expect(await deadLetters.depth(empty)).toBe(0);
        const session = await deadLetters.open(empty, { limit: 10 });
        expect(session.letters).toEqual([]);
        await session.close();
      });
    });

    describe('when letters are taken from the backlog', () => {
      it('removes only the ones removed, and gives the others back on close with the same ids', async () => {
        const { deadLetters, leg } = await make();
        const mine = leg();
        await deadLetters.send(letters(mine, 6));
        const ids = new Map((await deadLetters.list(mine, 10)).map((l) => [l.key, l.id]));
        const session = await deadLetters.open(mine, { limit: 4 });
        expect(session.letters).toHaveLength(4);
        const gone = session.letters.slice(0, 2);
        await session.remove(gone.map((l) => l.id));
        await session.close();
        const left = await deadLetters.list(mine, 10);
        expect(left.map((l) => l.key).sort()).toEqual([...ids.keys()].filter((k) => !gone.some((g) => g.key === k)).sort());
        for (const l of left) expect(l.id).toBe(ids.get(l.key));
        expect(await settledDepth(deadLetters, mine, 4)).toBe(4);
      });

      it('takes only wanted letters, however many unwanted ones come first, and leaves the rest untouched', async () => {
        const { deadLetters, leg } = await make();
        const mine = leg();
        await deadLetters.send(letters(mine, 30));
        const session = await deadLetters.open(mine, { limit: 10, wanted: (l) => l.key === 'k-27' || l.key === 'k-29' });
        expect(session.letters.map((l) => l.key).sort()).toEqual(['k-27', 'k-29']);
        expect(session.scanned).toBe(30);
        await session.close();
        expect(await deadLetters.list(mine, 50)).toHaveLength(30);
        expect(await deadLetters.depth(mine)).toBe(30);
      });

      it('holds its letters from other sessions until it closes, and refuses to remove a letter it does not hold', async () => {
        const { deadLetters, leg } = await make();
        const mine = leg();
        await deadLetters.send(letters(mine, 3));
        const first = await deadLetters.open(mine, { limit: 2 });
        // Pulsar: the first session's consumer may also keep the letter it did not take until it closes.
        const second = await deadLetters.open(mine, { limit: 10 });
        expect(first.letters).toHaveLength(2);
        for (const l of second.letters) expect(first.letters.map((f) => f.id)).not.toContain(l.id);
        await expect(first.remove(['no-such-letter'])).rejects.toThrow(/not letters of this open session: no-such-letter/);
        await Promise.all([first.close(), second.close()]);
        expect(await deadLetters.list(mine, 10)).toHaveLength(3);
        const third = await deadLetters.open(mine, { limit: 10 });
        expect(third.letters).toHaveLength(3);
        await third.close();
      });
    });

    describe(`when a leg has more letters (${big}) than Pulsar lets one consumer hold`, () => {
      it('lists them all and finds the last one', async () => {
        const { deadLetters, leg } = await make();
        const mine = leg();
        await deadLetters.send(letters(mine, big));
        const listed = await deadLetters.list(mine, big + 100);
        expect(new Set(listed.map((l) => l.key)).size).toBe(big);
        const session = await deadLetters.open(mine, { limit: 5, wanted: (l) => l.key === `k-${big - 1}` });
        expect(session.letters.map((l) => l.key)).toEqual([`k-${big - 1}`]);
        await session.remove(session.letters.map((l) => l.id));
        await session.close();
        expect(await settledDepth(deadLetters, mine, big - 1)).toBe(big - 1);
      });
    });
  });
}

/** A broker's backlog figure lags acks a little: poll until it reads `expected` (or 10 s pass). */
async function settledDepth(deadLetters: DeadLetters, leg: string, expected: number): Promise<number> {
  let depth = await deadLetters.depth(leg);
  for (let i = 0; i < 40 && depth !== expected; i++) {
    await new Promise((r) => setTimeout(r, 250));
    depth = await deadLetters.depth(leg);
  }
  return depth;
}
