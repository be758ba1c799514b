import type { Principal } from '@jsjb/platform';
import type { FastifyRequest } from 'fastify';
import { accessPurpose } from './privacy.policy';

/** Who reads personal data, why, and through which request: the access log's context of a read. */
export interface AccessReader {
  principal: Principal;
  purpose: string;
  /** The route, e.g. `GET /tickets/:id`. */
  action: string;
  requestId: string | null;
}

/**
 * The reader of a request that is about to disclose personal data: checks X-Access-Purpose (400
 * before anything is read) and names the route as registered, never the URL with its ids.
 */
export function accessReader(
  principal: Principal,
  request: FastifyRequest,
  routeDefault: string,
): AccessReader {
  return {
    principal,
    purpose: accessPurpose(principal.role, request.headers['x-access-purpose'], routeDefault),
    action: `${request.method} ${request.routeOptions.url ?? '(unknown route)'}`,
    requestId: typeof request.id === 'string' && request.id !== '' ? request.id : null,
  };
}
