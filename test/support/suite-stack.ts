import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesRoot } from '../../scripts/services/context.ts';
import { SERVICES } from '../../scripts/services/registry.ts';
import type { ServiceName } from '../../scripts/services/service.ts';

/**
 * Where the integration suite's own servers live: ports and a services folder that no
 * `npm run services:up` with default settings uses, so a test can never write into a stack
 * the suite did not create (docs/adr/0011).
 */
export interface SuiteStack {
  /** The suite's services folder (the launcher's REFRACT_SERVICES_DIR for its servers). */
  readonly root: string;
  /** Ports by server and port key, as in each ServiceDefinition. */
  readonly ports: Readonly<Record<ServiceName, Readonly<Record<string, number>>>>;
  /** The launcher's variables for the suite's servers: what test workers and child processes get. */
  readonly env: Readonly<Record<string, string>>;
}

/** The suite's ports: each launcher default with a 1 in front (8080 → 18080, 6650 → 16650). */
export const SUITE_PORTS: Readonly<Record<ServiceName, Readonly<Record<string, number>>>> = {
  pulsar: { web: 18080, broker: 16650, bookie: 13181 },
  janusgraph: { gremlin: 18182 },
  opensearch: { http: 19200, transport: 19300 },
};

/** `<repo>/.services/test/`, beside the `.services/<name>/` folders `npm run services:up` uses. */
export const SUITE_ROOT = fileURLToPath(new URL('../../.services/test/', import.meta.url));

/** Every launcher variable has a suite twin: REFRACT_PULSAR_WEB_PORT → REFRACT_TEST_PULSAR_WEB_PORT. */
export const suiteVariable = (launcherVariable: string) => launcherVariable.replace(/^REFRACT_/, 'REFRACT_TEST_');

/**
 * The suite's stack from its defaults and the REFRACT_TEST_* overrides. The launcher's own
 * variables (REFRACT_SERVICES_DIR, REFRACT_*_PORT) are deliberately not read: they describe
 * the user's stack. Throws when an override points at a launcher default port or folder.
 */
export function suiteStack(env: NodeJS.ProcessEnv = process.env): SuiteStack {
  const root = withSlash(resolve(env[suiteVariable('REFRACT_SERVICES_DIR')] || SUITE_ROOT));
  const defaultRoot = withSlash(resolve(servicesRoot({})));
  if (root === defaultRoot) {
    throw new Error(`CONFIG.INVALID: ${suiteVariable('REFRACT_SERVICES_DIR')}=${root} is the launcher's default services folder; the suite needs one of its own`);
  }
  const defaults = new Map(SERVICES.flatMap((def) => Object.entries(def.defaultPorts).map(([key, port]) => [port, `${def.name} ${key}`] as const)));
  const ports = {} as Record<ServiceName, Record<string, number>>;
  const launcherEnv: Record<string, string> = { REFRACT_SERVICES_DIR: root };
  for (const def of SERVICES) {
    ports[def.name] = {};
    for (const [key, fallback] of Object.entries(SUITE_PORTS[def.name])) {
      const variable = suiteVariable(def.portEnv[key] ?? '');
      const raw = env[variable];
      const port = raw === undefined || raw === '' ? fallback : Number(raw);
      if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new Error(`CONFIG.INVALID: ${variable}=${raw ?? ''} is not a TCP port (1-65535)`);
      }
      const clash = defaults.get(port);
      if (clash) throw new Error(`CONFIG.INVALID: ${variable}=${port} is the launcher's default ${clash} port; the suite needs ports of its own`);
      ports[def.name][key] = port;
      launcherEnv[def.portEnv[key] ?? variable] = String(port);
    }
  }
  // Refract's own settings too, so code under test that falls back to its defaults reaches
  // the suite's servers, never the user's on the default ports.
  launcherEnv.REFRACT_PULSAR_URL = `http://127.0.0.1:${ports.pulsar.web}`;
  launcherEnv.REFRACT_JANUSGRAPH_URL = `ws://127.0.0.1:${ports.janusgraph.gremlin}/gremlin`;
  launcherEnv.REFRACT_OPENSEARCH_URL = `http://127.0.0.1:${ports.opensearch.http}`;
  // Several runners at once (scale-out, chaos) and a user's runner on 9464: each takes any free port.
  launcherEnv.REFRACT_METRICS_PORT = '0';
  return { root, ports, env: launcherEnv };
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
