import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('refract demo', () => {
  describe('when run on the embedded adapters', () => {
    it('prints progress, the summary and the query answer', async () => {
      const { stdout, stderr } = await run('npx', ['tsx', 'src/adapters/cli/main.ts', 'demo', '--entities', '600', '--k', '2'], {
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      expect(stderr).toMatch(/graph: \d+\/\d+ \(100%\)/);
      const prefix = /ids prefixed "(demo-[0-9a-f]{6}-)", fresh for this run/.exec(stdout)?.[1];
      expect(prefix).toBeDefined();
      expect(stdout).toMatch(/published\s+\d+ messages in [\d.]+ s: \d+ events\/s/);
      expect(stdout).toMatch(/graph\s+leg\s+received \d+, applied \d+, stale \d+, dead-lettered [1-9]\d*/);
      expect(stdout).toMatch(/embeddings\s+computed [1-9]\d*, reused [1-9]\d*/);
      expect(stdout).toMatch(/read models\s+[1-9]\d* vertices, [1-9]\d* edges; vector documents: person [1-9]\d*, company [1-9]\d*/);
      expect(stdout).toMatch(new RegExp(`\\n {2}1\\. .+ \\(${prefix ?? ''}per-\\d+\\), .+ score \\d\\.\\d{3}`));
      expect(stdout).toMatch(/\n {2}2\. /);
    });
  });

  describe('when given another application (--app examples/library/app.ts)', () => {
    it('generates its events from its schemas, runs its projections and searches its first index', async () => {
      const { stdout } = await run('npx', ['tsx', '--conditions=source', 'src/adapters/cli/main.ts', 'demo', '--app', 'examples/library/app.ts', '--entities', '300', '--k', '2'], {
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      expect(stdout).toMatch(/generated \d+ messages for 300 library entities/);
      expect(stdout).toMatch(/graph\s+leg\s+received \d+, applied [1-9]\d*, stale \d+, dead-lettered 0/);
      expect(stdout).toMatch(/read models\s+[1-9]\d* vertices, [1-9]\d* edges; vector documents: books [1-9]\d*, open_loans [1-9]\d*/);
      expect(stdout).toMatch(/Query: the 2 documents of books most like/);
      expect(stdout).toMatch(/\n {2}2\. demo-[0-9a-f]{6}-book-\d+ {2}score/);
    });
  });

  describe('when a setting is bad', () => {
    it('fails at start-up naming the setting, its origin and the value', async () => {
      const failure = await run('npx', ['tsx', 'src/adapters/cli/main.ts', 'demo', '--graph', 'neo4j']).catch((e: unknown) => e as { stderr: string; code: number });
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toMatch(/setting "graph" from flag --graph is invalid.*"neo4j".*CONFIG.INVALID/);
    });
  });
});
