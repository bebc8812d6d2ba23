import { RefractError } from '../../domain/index.ts';
import { serverOrigin } from '../shared/server-origin.ts';

/** 401 and 403: the broker will not let Refract in. No retry fixes that; an operator does. */
export const isAuthRefusal = (status: number): boolean => status === 401 || status === 403;

/**
 * The configuration error for a refused login or permission, naming the server (without any
 * credentials its URL carried) and the setting that holds the token. The leg stops at once.
 */
export function authRefusal(
  url: string, what: string, status: number, reason: string, details: Record<string, unknown> = {},
): RefractError {
  const server = serverOrigin(url);
  return new RefractError(
    'CONFIG.INVALID',
    `Pulsar at ${server} refused ${what} (${status}): ${reason}; check the token Refract sends (setting pulsarToken: ` +
      'REFRACT_PULSAR_TOKEN or REFRACT_PULSAR_TOKEN_FILE; none is sent when neither is set) and what the broker lets its role do',
    { ...details, field: 'pulsarToken', server, status },
  );
}

