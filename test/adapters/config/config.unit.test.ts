import { describe, expect, it } from 'vitest';
import { envName, loadConfig } from '../../../src/adapters/config/config.ts';

describe('loadConfig', () => {
  describe('when nothing is set', () => {
    it('uses the embedded defaults', () => {
      expect(loadConfig({}, {})).toMatchObject({ eventLog: 'memory', graph: 'memory', vectors: 'memory', embedder: 'hashing', batchSize: 100 });
    });
  });

  describe('when environment and flags both set a value', () => {
    it('lets the flag win over the environment', () => {
      expect(loadConfig({ batchSize: '10' }, { REFRACT_BATCH_SIZE: '50', REFRACT_GRAPH: 'janusgraph' })).toMatchObject({ batchSize: 10, graph: 'janusgraph' });
    });
  });

  describe('when a value is bad', () => {
    it('names the setting, where it came from, and the value', () => {
      expect(() => loadConfig({}, { REFRACT_BATCH_SIZE: 'lots' })).toThrow(/"batchSize" from environment variable REFRACT_BATCH_SIZE.*"lots"/);
    });
  });

  it('maps camelCase settings to REFRACT_ environment names', () => {
    expect(envName('opensearchUrl')).toBe('REFRACT_OPENSEARCH_URL');
    expect(envName('maxWaitMs')).toBe('REFRACT_MAX_WAIT_MS');
  });
});
