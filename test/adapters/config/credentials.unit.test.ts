import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/adapters/config/config.ts';
import { serverAuth } from '../../../src/adapters/config/server-auth.ts';
import { connectionAuth } from '../../../src/adapters/janusgraph/gremlin-driver.ts';
import { authorizationHeader } from '../../../src/adapters/shared/server-auth.ts';
import { Secret } from '../../../src/adapters/shared/secret.ts';

const dir = mkdtempSync(join(tmpdir(), 'refract-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const SECRET = 'pa55-w0rd-nobody-may-see';

describe('credentials in the configuration', () => {
  describe('when a password comes from a file', () => {
    it('reads it, without its trailing newline, and sends it only where asked', () => {
      const config = loadConfig({}, {
        REFRACT_OPENSEARCH_USERNAME: 'refract', REFRACT_OPENSEARCH_PASSWORD_FILE: file('os', `${SECRET}\n`),
      });
      expect(config.opensearchPassword?.reveal()).toBe(SECRET);
      expect(authorizationHeader(serverAuth(config, 'opensearch'))).toEqual({
        authorization: `Basic ${Buffer.from(`refract:${SECRET}`).toString('base64')}`,
      });
    });
  });

  describe('when a token comes from the environment', () => {
    it('is sent as a bearer token to Pulsar and nowhere else', () => {
      const config = loadConfig({}, { REFRACT_PULSAR_TOKEN: SECRET });
      expect(authorizationHeader(serverAuth(config, 'pulsar'))).toEqual({ authorization: `Bearer ${SECRET}` });
      expect(authorizationHeader(serverAuth(config, 'opensearch'))).toEqual({});
      expect(connectionAuth(serverAuth(config, 'janusgraph'))).toEqual({});
    });
  });

  describe('when a URL carries a user and password', () => {
    it('refuses it, naming the credential settings to use instead, without echoing the URL', () => {
      for (const [variable, credential] of [
        ['REFRACT_OPENSEARCH_URL', 'REFRACT_OPENSEARCH_PASSWORD_FILE'], ['REFRACT_PULSAR_URL', 'REFRACT_PULSAR_TOKEN_FILE'],
      ] as const) {
        let message = '';
        try {
          loadConfig({}, { [variable]: `https://refract:${SECRET}@search.example:9200` });
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message).toMatch(new RegExp(`carries a user name or password.*${credential}`));
        expect(message).not.toContain(SECRET);
      }
      expect(() => loadConfig({ janusgraphUrl: `wss://refract:${SECRET}@graph.example:8182/gremlin` }, {})).toThrow(/"janusgraphUrl" from flag --janusgraph-url carries/);
    });
  });

  describe('when the configuration is printed in any way', () => {
    it('shows [redacted] for every credential', () => {
      const config = loadConfig({}, {
        REFRACT_PULSAR_TOKEN: SECRET, REFRACT_JANUSGRAPH_USERNAME: 'refract', REFRACT_JANUSGRAPH_PASSWORD: SECRET,
        REFRACT_OPENSEARCH_USERNAME: 'refract', REFRACT_OPENSEARCH_PASSWORD_FILE: file('printed', SECRET),
      });
      for (const text of [JSON.stringify(config), inspect(config, { depth: 5 }), String(config.pulsarToken), inspect(new Error('x', { cause: config }))]) {
        expect(text).not.toContain(SECRET);
      }
      expect(JSON.stringify(config)).toContain('"pulsarToken":"[redacted]"');
    });
  });

  describe('when a credential is given as a flag', () => {
    it('refuses it, naming the environment variables to use: a flag shows in every process listing', () => {
      expect(() => loadConfig({ opensearchPassword: SECRET }, {})).toThrow(/"opensearchPassword" is a credential and cannot be a flag.*REFRACT_OPENSEARCH_PASSWORD_FILE/);
    });
  });

  describe('when a credential is bad', () => {
    it('names the setting but never echoes the value', () => {
      let message = '';
      try {
        loadConfig({}, { REFRACT_PULSAR_TOKEN: SECRET, REFRACT_PULSAR_TOKEN_FILE: file('token', 'other') });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/"pulsarToken" \(environment variable REFRACT_PULSAR_TOKEN\) and "pulsarTokenFile" .* are both set/);
      expect(message).not.toContain(SECRET);
    });
  });

  describe('when a credential file cannot be read or is empty', () => {
    it('names the setting and the file', () => {
      expect(() => loadConfig({}, { REFRACT_PULSAR_TOKEN_FILE: join(dir, 'missing') })).toThrow(/"pulsarTokenFile" .* names .*missing, which cannot be read: ENOENT/);
      expect(() => loadConfig({}, { REFRACT_PULSAR_TOKEN_FILE: file('empty', '\n') })).toThrow(/"pulsarTokenFile" .* which is empty/);
    });
  });

  describe('when a user name comes without a password', () => {
    it('says which setting is missing', () => {
      expect(() => loadConfig({}, { REFRACT_JANUSGRAPH_USERNAME: 'refract' })).toThrow(/"janusgraphPassword" is missing/);
    });
  });

  describe('when a CA file is set', () => {
    it('trusts its certificates for every server, and fails at start-up when it cannot be read', () => {
      const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const config = loadConfig({}, { REFRACT_CA_FILE: ca });
      for (const server of ['pulsar', 'janusgraph', 'opensearch'] as const) expect(serverAuth(config, server).ca).toContain('BEGIN CERTIFICATE');
      expect(() => loadConfig({}, { REFRACT_CA_FILE: join(dir, 'nope.pem') })).toThrow(/"caFile" .* cannot be read: ENOENT/);
    });
  });

  it('a Secret prints as [redacted] however it is printed', () => {
    const secret = new Secret(SECRET);
    expect([String(secret), `token=${secret.toString()}`, JSON.stringify({ secret }), inspect({ secret })].join(' ')).not.toContain(SECRET);
    expect(secret.reveal()).toBe(SECRET);
  });
});
