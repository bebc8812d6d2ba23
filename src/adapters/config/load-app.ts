import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RefractError } from '../../domain/index.ts';
import type { App } from '../../projections/app.ts';
import { bankingApp } from '../../projections/banking/banking.app.ts';
import type { RefractConfig } from './config.ts';

/**
 * The application the configuration names (`app`: a module whose default export, or export
 * `app`, is what `defineApp` returned), or the built-in banking application.
 */
export async function loadApp(config: Pick<RefractConfig, 'app'>): Promise<App> {
  if (!config.app) return bankingApp;
  const url = pathToFileURL(resolve(config.app)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new RefractError('CONFIG.INVALID', `setting app: cannot load ${config.app}: ${error instanceof Error ? error.message : String(error)}`, { field: 'app', value: config.app }, { cause: error });
  }
  const app = module['default'] ?? module['app'];
  if (!isApp(app)) {
    throw new RefractError('CONFIG.INVALID', `setting app: ${config.app} exports no application; export the value defineApp({ … }) returns as default or as \`app\``, { field: 'app', value: config.app });
  }
  return app;
}

const isApp = (value: unknown): value is App =>
  typeof value === 'object' && value !== null && typeof (value as Partial<App>).legProjections === 'function' && Array.isArray((value as Partial<App>).topics);
