import type { Command } from 'commander';
import { loadConfig, type RefractConfig } from '../../config/config.ts';

export interface PulsarFlags {
  app?: string;
  pulsarUrl?: string;
  pulsarTenant?: string;
  pulsarNamespace?: string;
}

/** Where the Pulsar commands go; the flags override REFRACT_PULSAR_URL, _TENANT and _NAMESPACE. */
export function pulsarFlags(command: Command): Command {
  return command
    .option('--pulsar-url <url>', 'Pulsar web service: admin REST and WebSocket API (env REFRACT_PULSAR_URL)')
    .option('--pulsar-tenant <name>', 'tenant (env REFRACT_PULSAR_TENANT, default refract)')
    .option('--pulsar-namespace <name>', 'namespace (env REFRACT_PULSAR_NAMESPACE, default banking)');
}

export function pulsarConfig(flags: PulsarFlags): RefractConfig {
  const { app, pulsarUrl, pulsarTenant, pulsarNamespace } = flags;
  return loadConfig({ app, pulsarUrl, pulsarTenant, pulsarNamespace });
}
