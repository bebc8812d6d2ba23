import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/adapters/cli/commands/graph.ts';
import { isRefractError } from '../../../src/domain/index.ts';

describe('parseDuration (refract graph purge --older-than)', () => {
  describe('when given minutes, hours or days', () => {
    it.each([['30m', 1_800_000], ['12h', 43_200_000], ['7d', 604_800_000], [' 1d ', 86_400_000]])('reads %j as %i ms', (text, ms) => {
      expect(parseDuration(text, 'older-than')).toBe(ms);
    });
  });

  describe('when given anything else', () => {
    it.each(['7', '0d', '-1d', '1.5h', '7 days', '1w', ''])('refuses %j with a CONFIG.INVALID naming the flag and the value', (text) => {
      const error: unknown = (() => { try { return parseDuration(text, 'older-than'); } catch (e) { return e; } })();
      expect(isRefractError(error) && error.code).toBe('CONFIG.INVALID');
      expect((error as Error).message).toContain('--older-than');
      expect((error as Error).message).toContain(JSON.stringify(text));
    });
  });
});
