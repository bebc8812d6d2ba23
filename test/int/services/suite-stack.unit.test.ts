import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servicesRoot } from '../../../scripts/services/context.ts';
import { SERVICES } from '../../../scripts/services/registry.ts';
import { SUITE_ROOT, suiteStack } from '../../support/suite-stack.ts';
import config from '../../../vitest.config.ts';

const DEFAULT_PORTS = new Set(SERVICES.flatMap((def) => Object.values(def.defaultPorts)));
const DEFAULT_ROOT = resolve(servicesRoot({}));
const allPorts = (ports: Record<string, Record<string, number>>) => Object.values(ports).flatMap((p) => Object.values(p));

describe('the integration suite\'s own stack', () => {
  describe('when nothing is configured', () => {
    it('uses no default port and a services folder apart from the default one', () => {
      const stack = suiteStack({});
      expect(allPorts(stack.ports).filter((port) => DEFAULT_PORTS.has(port))).toEqual([]);
      expect(resolve(stack.root)).not.toBe(DEFAULT_ROOT);
      expect(stack.root).toBe(SUITE_ROOT);
    });

    it('matches the ports the project documents for it', () => {
      expect(suiteStack({}).ports).toEqual({
        pulsar: { web: 18080, broker: 16650, bookie: 13181 },
        janusgraph: { gremlin: 18182 },
        opensearch: { http: 19200, transport: 19300 },
      });
    });
  });

  describe('when the user\'s own stack is configured through the launcher\'s variables', () => {
    it('ignores them: they describe the user\'s servers, not the suite\'s', () => {
      const stack = suiteStack({ REFRACT_PULSAR_WEB_PORT: '8080', REFRACT_JANUSGRAPH_PORT: '8182', REFRACT_SERVICES_DIR: DEFAULT_ROOT });
      expect(stack).toEqual(suiteStack({}));
    });
  });

  describe('when REFRACT_TEST_* overrides are given', () => {
    it('takes them', () => {
      const stack = suiteStack({ REFRACT_TEST_PULSAR_WEB_PORT: '28080', REFRACT_TEST_SERVICES_DIR: '/tmp/refract-suite' });
      expect(stack.ports.pulsar.web).toBe(28080);
      expect(stack.root).toBe('/tmp/refract-suite/');
      expect(stack.env).toMatchObject({ REFRACT_PULSAR_WEB_PORT: '28080', REFRACT_SERVICES_DIR: '/tmp/refract-suite/', REFRACT_PULSAR_URL: 'http://127.0.0.1:28080' });
    });

    it.each(SERVICES.flatMap((def) => Object.entries(def.defaultPorts).map(([key, port]) => [def.portEnv[key]!.replace('REFRACT_', 'REFRACT_TEST_'), port] as const)))(
      'refuses %s at the launcher default %i',
      (variable, port) => {
        expect(() => suiteStack({ [variable]: String(port) })).toThrow(/CONFIG\.INVALID.*default/);
      },
    );

    it('refuses the launcher\'s default services folder', () => {
      expect(() => suiteStack({ REFRACT_TEST_SERVICES_DIR: DEFAULT_ROOT })).toThrow(/CONFIG\.INVALID.*default services folder/);
      expect(() => suiteStack({ REFRACT_TEST_SERVICES_DIR: `${DEFAULT_ROOT}/` })).toThrow(/CONFIG\.INVALID/);
    });
  });

  describe('the integration project in vitest.config.ts', () => {
    const integration = config.test?.projects?.find((p) => typeof p === 'object' && 'test' in p && p.test?.name === 'integration');
    const env = (integration as { test?: { env?: Record<string, string> } } | undefined)?.test?.env ?? {};

    it('gives its workers the suite\'s services folder and ports, none of them a default', () => {
      expect(env).toEqual(suiteStack().env);
      expect(resolve(env['REFRACT_SERVICES_DIR'] ?? DEFAULT_ROOT)).not.toBe(DEFAULT_ROOT);
      const ports = Object.entries(env).filter(([key]) => key.endsWith('_PORT') && key !== 'REFRACT_METRICS_PORT').map(([, value]) => Number(value));
      expect(ports.length).toBe(6);
      expect(ports.filter((port) => DEFAULT_PORTS.has(port))).toEqual([]);
    });

    it('lets every runner a test starts take any free metrics port, never a user\'s 9464', () => {
      expect(env['REFRACT_METRICS_PORT']).toBe('0');
    });

    it('points Refract\'s own server URLs at the suite\'s ports', () => {
      for (const key of ['REFRACT_PULSAR_URL', 'REFRACT_JANUSGRAPH_URL', 'REFRACT_OPENSEARCH_URL']) {
        const port = Number(new URL(env[key] ?? 'http://x:1').port);
        expect(DEFAULT_PORTS.has(port), `${key}=${env[key]}`).toBe(false);
      }
    });
  });
});
