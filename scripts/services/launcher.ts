import { servicesRoot } from './context.ts';
import { selectLauncherServices } from './registry.ts';
import { serviceState, startService, stopService } from './run-service.ts';
import { ensureSecureMaterial, secureMaterial, secureUrls, writeClientEnv } from './secure.ts';

/**
 * The launcher behind `npm run services:up|down|status`: runs the real servers as local
 * processes under .services/<name>/ (see docs/services.md and docs/adr/0005). Without names,
 * the default three; optional servers (postgres) only when named.
 */

/**
 * Starts the named servers (the default three when none are named) one after another; the
 * first failure stops the run. `secure` (or a folder secured before) makes throwaway
 * certificates and credentials first and starts Pulsar, JanusGraph and OpenSearch with TLS and
 * authentication (docs/adr/0022); it then writes the settings Refract needs to secure/refract.env.
 */
export async function up(names: readonly string[] = [], options: { secure?: boolean } = {}): Promise<void> {
  const root = servicesRoot();
  const secured = options.secure === true || secureMaterial(root) !== undefined;
  const material = secured ? await ensureSecureMaterial(root) : undefined;
  const ports: Record<string, Readonly<Record<string, number>>> = {};
  for (const def of selectLauncherServices(names)) ports[def.name] = (await startService(def)).ports;
  if (material) {
    const file = await writeClientEnv(material, secureUrls(ports));
    console.log(`secure: Refract's settings for these servers are in ${file} (set -a; . ${file}; set +a)`);
  }
}

/** Stops what the launcher started, last started first; servers it did not start are left alone. */
export async function down(names: readonly string[] = []): Promise<void> {
  for (const def of selectLauncherServices(names).reverse()) {
    console.log(`${def.name}: ${await stopService(def)}`);
  }
}

/** Prints each server's state: healthy with its version, running but not answering, or down. */
export async function status(names: readonly string[] = []): Promise<void> {
  for (const def of selectLauncherServices(names)) {
    const s = await serviceState(def);
    const ports = Object.entries(s.ports).map(([k, v]) => `${k}=${v}`).join(' ');
    const detail = [s.version, s.pid === undefined ? undefined : `pid ${s.pid}`, ports].filter(Boolean).join(', ');
    console.log(`${s.name.padEnd(11)} ${s.state.padEnd(14)} ${detail}`);
  }
}
