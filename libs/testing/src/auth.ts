import { DEVELOPMENT_JWT_SECRET, signJwt, type TokenClaims } from '@jsjb/platform';

/** An `Authorization` header value for a test caller, signed with the development secret test apps use. */
export function bearer(claims: TokenClaims): string {
  return `Bearer ${signJwt(claims, { secret: DEVELOPMENT_JWT_SECRET, issuer: 'jsjb' })}`;
}
