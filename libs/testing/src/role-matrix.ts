import {
  type BaseConfig,
  DEVELOPMENT_JWT_SECRET,
  type Permission,
  type PermissionMap,
  PLATFORM_PERMISSIONS,
  ROLES,
  type Role,
  signJwt,
  type TokenClaims,
} from '@jsjb/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ServiceSuiteOptions, startTestApp, type TestApp } from './service-suite';

/** Who calls in one cell of the matrix. */
export type Caller = Role | 'no-token' | 'expired-token' | 'forged-token' | 'other-unit';

export interface MatrixCell {
  route: string;
  caller: Caller;
  status: number;
  code: string | undefined;
  expected: 'allowed' | 'unauthenticated' | 'forbidden' | 'refused';
}

export interface RoleMatrixOptions {
  /** The service's own map; the platform's routes are added. */
  permissions: PermissionMap;
  /** Values for path parameters by name (`format: 'json'`); others get a random-looking id. */
  params?: Record<string, string>;
  /** The unit of the unit_staff token, and a unit that is not it (for the other-unit cell). */
  unitId: string;
  otherUnitId: string;
  district?: string;
}

const PLACEHOLDER_ID = '00000000-0000-4000-8000-00000000abcd';

/**
 * Calls every route of a service with every role, without a token, with an expired and a forged
 * token, and (for unit routes naming a unit) with another unit's token, and reports each call with
 * the outcome the permission map declares:
 * - a role the rule lists (or anyone on a public route): `allowed`: no AUTH.* refusal and no 5xx
 *   (the call may still fail validation, lack the record, or be refused by scope);
 * - a role the rule does not list: `forbidden`: 403 `AUTH.ROLE_NOT_ALLOWED`;
 * - no, expired or forged token on a non-public route: `unauthenticated`: 401 with its code;
 * - another unit's staff on a route naming a unit: `refused`: 403 or 404.
 * Returns the cells that did not come out as declared (empty when the service obeys its map).
 */
export async function roleMatrixViolations(
  app: NestFastifyApplication,
  options: RoleMatrixOptions,
): Promise<MatrixCell[]> {
  const map: PermissionMap = { ...PLATFORM_PERMISSIONS, ...options.permissions };
  const violations: MatrixCell[] = [];
  for (const [route, rule] of Object.entries(map)) {
    const [method, pattern] = route.split(' ') as [string, string];
    const url = pattern.replace(/:([A-Za-z_]+)/g, (_, name: string) =>
      encodeURIComponent(options.params?.[name] ?? (name === 'unitId' ? options.unitId : PLACEHOLDER_ID)),
    );
    const hasBody = method !== 'GET';
    for (const caller of callersOf(rule, pattern)) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...authorization(caller, options),
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
        },
        ...(hasBody ? { payload: '{}' } : {}),
      });
      const code = codeOf(response.body);
      const expected = expectation(rule, caller);
      const cell: MatrixCell = { route, caller, status: response.statusCode, code, expected };
      if (!matches(cell)) violations.push(cell);
    }
  }
  return violations;
}

function callersOf(rule: Permission, pattern: string): Caller[] {
  const callers: Caller[] = [...ROLES, 'no-token', 'expired-token', 'forged-token'];
  if ('roles' in rule && rule.roles.includes('unit_staff') && pattern.includes(':unitId'))
    callers.push('other-unit');
  return callers;
}

function expectation(rule: Permission, caller: Caller): MatrixCell['expected'] {
  if ('public' in rule) return 'allowed';
  if (caller === 'no-token' || caller === 'expired-token' || caller === 'forged-token')
    return 'unauthenticated';
  if (caller === 'other-unit') return 'refused';
  return rule.roles.includes(caller) ? 'allowed' : 'forbidden';
}

function matches(cell: MatrixCell): boolean {
  switch (cell.expected) {
    case 'allowed':
      // The route may still refuse the call on its own terms (validation, a missing record, a
      // signed link that does not verify, scope), but never for want of a token or role.
      return !cell.code?.startsWith('AUTH.') && cell.status < 500;
    case 'forbidden':
      return cell.status === 403 && cell.code === 'AUTH.ROLE_NOT_ALLOWED';
    case 'unauthenticated':
      return (
        cell.status === 401 &&
        cell.code ===
          {
            'no-token': 'AUTH.MISSING_TOKEN',
            'expired-token': 'AUTH.TOKEN_EXPIRED',
            'forged-token': 'AUTH.BAD_SIGNATURE',
          }[cell.caller as 'no-token']
      );
    case 'refused':
      return cell.status === 403 || cell.status === 404;
  }
}

function authorization(caller: Caller, options: RoleMatrixOptions): Record<string, string> {
  const sign = (
    claims: TokenClaims,
    extra: { secret?: string; now?: Date } = {},
  ): Record<string, string> => ({
    authorization: `Bearer ${signJwt(claims, {
      secret: extra.secret ?? DEVELOPMENT_JWT_SECRET,
      issuer: 'jsjb',
      ttlSeconds: 3600,
      ...(extra.now ? { now: extra.now } : {}),
    })}`,
  });
  switch (caller) {
    case 'no-token':
      return {};
    case 'expired-token':
      return sign({ sub: 'matrix-expired', role: 'admin' }, { now: new Date(Date.now() - 3 * 3600_000) });
    case 'forged-token':
      return sign(
        { sub: 'matrix-forged', role: 'admin' },
        { secret: 'not-the-secret-of-this-service-at-all-0123' },
      );
    case 'other-unit':
      return sign({ sub: 'matrix-other-unit', role: 'unit_staff', unit: options.otherUnitId });
    case 'unit_staff':
      return sign({ sub: 'matrix-unit-staff', role: 'unit_staff', unit: options.unitId });
    case 'manager':
    case 'dispatcher':
      return sign({
        sub: `matrix-${caller}`,
        role: caller,
        ...(options.district ? { district: options.district } : {}),
      });
    case 'admin':
    case 'callback_agent':
    case 'operator':
    case 'resident':
      return sign({ sub: `matrix-${caller}`, role: caller });
  }
}

function codeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A service's role-matrix suite: boots it on its own database and checks every route against its
 * permission map with `roleMatrixViolations` (units `matrix-unit-a` / `matrix-unit-b`, managers
 * and dispatchers of district 110101 unless given).
 */
export function describeRoleMatrix<C extends BaseConfig>(
  service: Omit<ServiceSuiteOptions<C>, 'dmmfPath'>,
  matrix: Pick<RoleMatrixOptions, 'permissions' | 'params'> & Partial<RoleMatrixOptions>,
): void {
  describe(`${service.service} role matrix`, () => {
    let sut: TestApp<C> | undefined;

    beforeAll(async () => {
      sut = await startTestApp(service);
    }, 60_000);

    afterAll(async () => {
      await sut?.close();
    }, 60_000);

    it('allows and denies every route as the permission map declares', async () => {
      if (!sut) throw new Error(`${service.service} did not start`);
      const violations = await roleMatrixViolations(sut.app, {
        unitId: 'matrix-unit-a',
        otherUnitId: 'matrix-unit-b',
        district: '110101',
        ...matrix,
      });
      expect(violations).toEqual([]);
    }, 60_000);
  });
}
