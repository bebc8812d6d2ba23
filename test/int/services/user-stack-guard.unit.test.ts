import { describe, expect, it } from 'vitest';
import { suiteStack } from '../../support/suite-stack.ts';
import { userServers } from '../../support/user-stack-guard.ts';

const watched = (env: NodeJS.ProcessEnv) =>
  userServers(suiteStack({}), env).map((s) => `${s.def.name}:${Object.values(s.ports)[0] ?? '?'}`);

describe('the servers the guard watches', () => {
  describe('when the user configured nothing', () => {
    it('are the launcher defaults', () => {
      expect(watched({})).toEqual(['pulsar:8080', 'janusgraph:8182', 'opensearch:9200']);
    });
  });

  describe('when the user moved their stack with the launcher\'s variables', () => {
    it('include the user\'s ports beside the defaults', () => {
      expect(watched({ REFRACT_PULSAR_WEB_PORT: '8081' })).toEqual(['pulsar:8080', 'pulsar:8081', 'janusgraph:8182', 'opensearch:9200']);
    });
  });

  describe('when the launcher\'s variables name the suite\'s own ports (a shell set up to start the suite\'s stack)', () => {
    it('leave the suite\'s servers out: the suite writes to them by design', () => {
      const env = { REFRACT_PULSAR_WEB_PORT: '18080', REFRACT_JANUSGRAPH_PORT: '18182', REFRACT_OPENSEARCH_PORT: '19200' };
      expect(watched(env)).toEqual(['pulsar:8080', 'janusgraph:8182', 'opensearch:9200']);
    });
  });
});
