import { describe, expect, it } from 'vitest';
import { compareFingerprints, type Fingerprint } from '../../support/stack-fingerprint.ts';

const reading = (facts: Record<string, string>): Fingerprint => ({ target: 'pulsar at http://127.0.0.1:8080', facts });

describe('compareFingerprints', () => {
  describe('when both readings hold the same facts', () => {
    it('reports nothing, whatever the order the facts were read in', () => {
      expect(compareFingerprints(reading({ a: '1', b: '2' }), reading({ b: '2', a: '1' }))).toEqual([]);
    });
  });

  describe('when a fact changed, appeared or disappeared', () => {
    it('names each one with its target, old and new value', () => {
      const before = reading({ 'topic t storage bytes': '10', 'vertex 4': 'abc', vertices: '12' });
      const after = reading({ 'topic t storage bytes': '10', 'namespace x/y': 'present', vertices: '9' });
      expect(compareFingerprints(before, after)).toEqual([
        'pulsar at http://127.0.0.1:8080: namespace x/y: appeared (present)',
        'pulsar at http://127.0.0.1:8080: vertex 4: disappeared (was abc)',
        'pulsar at http://127.0.0.1:8080: vertices: 12 → 9',
      ]);
    });
  });

  describe('when only a value\'s form differs', () => {
    it('still reports it: facts compare as exact strings', () => {
      expect(compareFingerprints(reading({ n: '1' }), reading({ n: '1.0' }))).toHaveLength(1);
    });
  });
});
