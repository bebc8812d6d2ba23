import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secureMaterial } from './secure.ts';
import type { AnyServiceDefinition, ServiceContext } from './service.ts';

/** Where the launcher keeps each server's libs, config, data and logs: REFRACT_SERVICES_DIR or <repo>/.services. */
export function servicesRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.REFRACT_SERVICES_DIR ?? fileURLToPath(new URL('../../.services/', import.meta.url));
}

/** Ports of a definition: each default unless its environment variable names another. */
export function resolvePorts(def: AnyServiceDefinition, env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const [key, fallback] of Object.entries(def.defaultPorts)) {
    const variable = def.portEnv[key];
    const raw = variable ? env[variable] : undefined;
    const port = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`CONFIG.INVALID: ${variable ?? key}=${raw ?? ''} is not a TCP port (1-65535)`);
    }
    ports[key] = port;
  }
  return ports;
}

/**
 * The context a definition's prepare/spawn/probe run with. `ports` and `root` override the
 * environment (a container's mapped ports; the test suite's own services folder).
 */
export function serviceContext(
  def: AnyServiceDefinition,
  options: { log?: (message: string) => void; ports?: Readonly<Record<string, number>>; root?: string } = {},
): ServiceContext {
  const log = options.log ?? ((message: string) => console.log(`${def.name}: ${message}`));
  const root = options.root ?? servicesRoot();
  const secure = secureMaterial(root);
  return { dir: join(root, def.name), ports: options.ports ?? resolvePorts(def), log, ...(secure ? { secure } : {}) };
}
