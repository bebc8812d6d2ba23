import { RefractError } from '../../domain/index.ts';
import { serverOrigin } from '../shared/server-origin.ts';

/** 401 and 403: the broker will not let Refract in. No retry fixes that; an operator does. */
export const isAuthRefusal = (status: number): boolean => status === 401 || status === 403;

/**
 * The configuration error for a refused login or permission, naming the server (without any
 * credentials its URL carried) and the setting that points at it. The leg stops at once.
 */
export function authRefusal(
  url: string, what: string, status: number, reason: string, details: Record<string, unknown> = {},
): RefractError {
  const server = serverOrigin(url);
  return new RefractError(
    'CONFIG.INVALID',
    `Pulsar at ${server} refused ${what} (${status}): ${reason}; Refract sends Pulsar no credentials, so the broker must let it in: ` +
      'check setting pulsarUrl (REFRACT_PULSAR_URL or --pulsar-url) and the broker\'s authentication and authorisation',
    { ...details, field: 'pulsarUrl', server, status },
  );
}

