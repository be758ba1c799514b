import { createHmac, type KeyObject, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app.error';

/** Roles of the people who use jsjb (ARCHITECTURE.md, Security). */
export const ROLES = [
  'operator',
  'dispatcher',
  'unit_staff',
  'callback_agent',
  'manager',
  'admin',
  'resident',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified bearer token. Every query is scoped by it. */
export interface Principal {
  /** The token's subject: a staff id, or a resident's subject. */
  readonly subject: string;
  readonly role: Role;
  /** The unit a unit_staff member works for; for a manager, the department (or street office) they lead. */
  readonly unitId: string | null;
  /** The district a manager or dispatcher is limited to; null for city-wide. */
  readonly districtCode: string | null;
  /** The street (街道/乡镇) a street-level manager is limited to. */
  readonly streetCode: string | null;
}

/**
 * What a manager may see, from the token's claims (most specific first): a department or other
 * unit (`unit`), a street (`street`), a district (`district`), or the whole city (none).
 */
export type ManagerScope =
  | { readonly kind: 'city' }
  | { readonly kind: 'district'; readonly districtCode: string }
  | { readonly kind: 'street'; readonly streetCode: string; readonly unitId: string | null }
  | { readonly kind: 'unit'; readonly unitId: string };

export function managerScope(principal: Principal): ManagerScope {
  if (principal.streetCode !== null) {
    return { kind: 'street', streetCode: principal.streetCode, unitId: principal.unitId };
  }
  if (principal.unitId !== null) return { kind: 'unit', unitId: principal.unitId };
  if (principal.districtCode !== null) return { kind: 'district', districtCode: principal.districtCode };
  return { kind: 'city' };
}

/** Where a record sits, for scope checks: its district, street and the units handling it. */
export interface ScopedTarget {
  districtCode?: string | null;
  streetCode?: string | null;
  unitIds?: readonly string[];
}

/**
 * Whether a manager's scope covers a record; true for every other role (their rules are the
 * routes' own: a unit's own work, a resident's own tickets, the center's city-wide view).
 */
export function inManagerScope(principal: Principal, target: ScopedTarget): boolean {
  if (principal.role !== 'manager') return true;
  const scope = managerScope(principal);
  switch (scope.kind) {
    case 'city':
      return true;
    case 'district':
      return target.districtCode === scope.districtCode;
    case 'street':
      return (
        target.streetCode === scope.streetCode ||
        (scope.unitId !== null && (target.unitIds ?? []).includes(scope.unitId))
      );
    case 'unit':
      return (target.unitIds ?? []).includes(scope.unitId);
  }
}

/** Seconds a token may be early or late, for clocks that disagree a little (AUTH_CLOCK_SKEW_SECONDS). */
const DEFAULT_CLOCK_SKEW_S = 30;

const headerSchema = z.object({
  alg: z.string(),
  typ: z.string().optional(),
  kid: z.string().max(200).optional(),
});
const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  role: z.enum(ROLES),
  unit: z.string().min(1).max(100).optional(),
  district: z.string().min(1).max(32).optional(),
  street: z.string().min(1).max(32).optional(),
  iss: z.string().optional(),
  exp: z.number(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
});

export class AuthError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 401, title: 'Unauthorized' });
  }
}

export interface JwtOptions {
  secret: string;
  issuer: string;
  /**
   * The identity provider's RS256 public key of a key id (from its JWKS), when RS256 tokens are
   * accepted; without it only HS256 is.
   */
  rsaKey?: (kid: string) => KeyObject | undefined;
  /** Tolerance of exp and nbf, in seconds (default 30). */
  clockSkewSeconds?: number;
}

/** A JWT's header, read before its signature is checked (to pick the key). */
export function jwtHeader(token: string): { alg: string; kid: string | undefined } {
  const [encodedHeader] = token.split('.');
  const header = headerSchema.safeParse(decodeJson(encodedHeader ?? ''));
  if (!header.success) throw new AuthError('AUTH.MALFORMED_TOKEN', 'The bearer token is not a JWT.');
  return { alg: header.data.alg, kid: header.data.kid };
}

/**
 * Verifies a JWT and returns its principal. HS256 with the shared secret, or RS256 with the
 * provider's key named by `kid` — nothing else (no `none`, and the algorithm picks the key type, so
 * an HS256 token can never be checked against a public key); `exp` is required; `iss` must match;
 * a unit_staff token must name its unit.
 */
export function verifyJwt(token: string, options: JwtOptions, now: Date = new Date()): Principal {
  const parts = token.split('.');
  const [encodedHeader, encodedClaims, signature] = parts;
  if (parts.length !== 3 || !encodedHeader || !encodedClaims || !signature) {
    throw new AuthError('AUTH.MALFORMED_TOKEN', 'The bearer token is not a JWT.');
  }
  const header = headerSchema.safeParse(decodeJson(encodedHeader));
  const signingInput = `${encodedHeader}.${encodedClaims}`;
  const given = Buffer.from(signature, 'base64url');
  if (header.success && header.data.alg === 'HS256') {
    const expected = sign(signingInput, options.secret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthError('AUTH.BAD_SIGNATURE', 'The bearer token’s signature does not verify.');
    }
  } else if (header.success && header.data.alg === 'RS256' && options.rsaKey) {
    const key = header.data.kid === undefined ? undefined : options.rsaKey(header.data.kid);
    if (!key)
      throw new AuthError('AUTH.UNKNOWN_KEY', 'The bearer token names no key the provider publishes.');
    if (!verifySignature('RSA-SHA256', Buffer.from(signingInput), key, given)) {
      throw new AuthError('AUTH.BAD_SIGNATURE', 'The bearer token’s signature does not verify.');
    }
  } else {
    throw new AuthError(
      'AUTH.UNSUPPORTED_ALGORITHM',
      options.rsaKey ? 'Only HS256 and RS256 tokens are accepted.' : 'Only HS256 tokens are accepted.',
    );
  }
  const claims = claimsSchema.safeParse(decodeJson(encodedClaims));
  if (!claims.success) throw new AuthError('AUTH.BAD_CLAIMS', 'The bearer token’s claims are incomplete.');
  const { sub, role, unit, district, street, iss, exp, nbf } = claims.data;
  const nowS = now.getTime() / 1000;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_S;
  if (exp + skew < nowS) throw new AuthError('AUTH.TOKEN_EXPIRED', 'The bearer token has expired.');
  if (nbf !== undefined && nbf - skew > nowS) {
    throw new AuthError('AUTH.TOKEN_NOT_YET_VALID', 'The bearer token is not valid yet.');
  }
  if (iss !== options.issuer) throw new AuthError('AUTH.BAD_ISSUER', 'The bearer token has another issuer.');
  if (role === 'unit_staff' && unit === undefined) {
    throw new AuthError('AUTH.BAD_CLAIMS', 'A unit_staff token must name its unit.');
  }
  return {
    subject: sub,
    role,
    unitId: unit ?? null,
    districtCode: district ?? null,
    streetCode: street ?? null,
  };
}

export interface TokenClaims {
  sub: string;
  role: Role;
  unit?: string;
  district?: string;
  street?: string;
}

/** Issues an HS256 token (development tools and tests; production tokens come from the OIDC provider). */
export function signJwt(
  claims: TokenClaims,
  options: JwtOptions & { ttlSeconds?: number; now?: Date },
): string {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
  const body = encodeJson({ ...claims, iss: options.issuer, iat, exp: iat + (options.ttlSeconds ?? 3600) });
  return `${header}.${body}.${sign(`${header}.${body}`, options.secret).toString('base64url')}`;
}

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
