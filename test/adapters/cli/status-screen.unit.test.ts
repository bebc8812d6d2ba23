import { describe, expect, it } from 'vitest';
import { statusScreen } from '../../../src/adapters/cli/commands/status.ts';
import type { StatusReport } from '../../../src/adapters/ops/status.ts';

const report = (over: Partial<StatusReport> = {}): StatusReport => ({
  at: '2026-11-30T12:00:00.000Z',
  adapters: { eventLog: 'pulsar', graph: 'janusgraph', vectors: 'opensearch' },
  where: 'http://127.0.0.1:8080 refract/banking',
  servers: [
    { name: 'pulsar', origin: 'http://127.0.0.1:8080', up: true, detail: 'Pulsar 4.0.7' },
    { name: 'opensearch', origin: 'http://127.0.0.1:9200', up: false, detail: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9200' },
  ],
  legs: [
    { leg: 'graph', backlog: 0, rate: 412.25, consumers: 2, deadLetters: 0 },
    { leg: 'vector', backlog: 1234, rate: 0, consumers: 2, deadLetters: 7 },
  ],
  projections: [
    { projection: 'banking-graph', leg: 'graph', version: 2, state: 'needs rebuild', builtVersion: 1 },
    { projection: 'banking-vectors', leg: 'vector', version: 1, state: 'current', builtVersion: 1 },
  ],
  runner: {
    url: 'http://127.0.0.1:9464', answering: true,
    readiness: {
      ready: false,
      legs: [
        { leg: 'graph', ready: true, state: 'healthy', backlog: 0, lastProgressAgoSeconds: 0 },
        { leg: 'vector', ready: false, state: 'degraded', backlog: 1234, lastProgressAgoSeconds: 95, reason: 'degraded for 95 s (grace 30 s): vector store write: connect ECONNREFUSED' },
      ],
    },
  },
  ok: false,
  ...over,
});

describe('refract status screen', () => {
  it('puts the verdict first, a down server and a leg that is not ready with its reason', () => {
    const lines = statusScreen(report());
    expect(lines[0]).toBe('Refract status at 2026-11-30T12:00:00.000Z: NOT OK');
    expect(lines).toContain('  opensearch  DOWN  http://127.0.0.1:9200  fetch failed: connect ECONNREFUSED 127.0.0.1:9200');
    expect(lines.find((l) => l.startsWith('  graph '))).toMatch(/^ {2}graph {3}0 +412\.3 +2 +0 +0 s ago +healthy$/);
    expect(lines.find((l) => l.startsWith('  vector '))).toMatch(/1,234 .* 7 .* 95 s ago .*NOT READY: degraded for 95 s \(grace 30 s\)/);
    expect(lines[lines.length - 1]).toBe('runner at http://127.0.0.1:9464: NOT READY');
  });

  it('shows a projection whose read model was built with another version as needing a rebuild, with the command', () => {
    const lines = statusScreen(report());
    expect(lines.find((l) => l.includes('banking-graph'))).toMatch(/banking-graph +graph +2 +NEEDS REBUILD \(built with version 1\): refract rebuild banking-graph --leg graph$/);
    expect(lines.find((l) => l.includes('banking-vectors'))).toMatch(/vector +1 +current$/);
  });

  it('says where it looked when no runner answers, and shows unknowns as ?', () => {
    const lines = statusScreen(report({
      legs: [{ leg: 'graph', backlog: null, rate: null, consumers: null, deadLetters: null }],
      runner: { url: 'http://127.0.0.1:9464', answering: false, error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9464' },
    }));
    expect(lines.find((l) => l.startsWith('  graph '))).toMatch(/^ {2}graph +\? +\? +\? +\? +\? +\?$/);
    expect(lines[lines.length - 1]).toBe('runner at http://127.0.0.1:9464: not answering (fetch failed: connect ECONNREFUSED 127.0.0.1:9464); is refract run started, and on that metrics port?');
  });
});
