import { describe, expect, it } from 'vitest';
import { demoIds } from '../../../src/adapters/cli/commands/demo.ts';

describe("refract demo's ids", () => {
  it('take a fresh prefix each run by default, and say how to reuse it', () => {
    const first = demoIds(undefined);
    const second = demoIds(undefined);
    expect(first.prefix).toMatch(/^demo-[0-9a-f]{6}-$/);
    expect(second.prefix).not.toBe(first.prefix);
    expect(demoIds(undefined, () => 'abc123').line).toContain('--id-prefix demo-abc123- publishes the same ids again');
  });

  it('keep a prefix given on purpose, the empty one included', () => {
    expect(demoIds('demo-abc123-')).toMatchObject({ prefix: 'demo-abc123-', line: expect.stringMatching(/^ids prefixed "demo-abc123-", as asked/) as unknown });
    expect(demoIds('')).toMatchObject({ prefix: '', line: expect.stringMatching(/^ids without a prefix, as asked/) as unknown });
  });
});
