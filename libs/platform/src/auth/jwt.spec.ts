import { createHmac } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt';

const options = { secret: 'a-test-secret-that-is-long-enough-000000', issuer: 'jsjb' };
const now = new Date('2026-11-21T08:00:00Z');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('JWT verification', () => {
  it('returns the principal of a valid token', () => {
    const token = signJwt({ sub: 's-1', role: 'unit_staff', unit: 'street-1' }, { ...options, now });
    expect(verifyJwt(token, options, now)).toEqual({
      subject: 's-1',
      role: 'unit_staff',
      unitId: 'street-1',
      districtCode: null,
      streetCode: null,
    });
  });

  it('refuses a token signed with another secret, a tampered body, an expired token and another issuer', () => {
    const token = signJwt({ sub: 's-1', role: 'dispatcher' }, { ...options, now });
    expect(codeOf(() => verifyJwt(token, { ...options, secret: 'x'.repeat(40) }, now))).toBe(
      'AUTH.BAD_SIGNATURE',
    );
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 's-1', role: 'admin', iss: 'jsjb', exp: 2e9 })).toString(
      'base64url',
    );
    expect(codeOf(() => verifyJwt(`${h}.${forged}.${s}`, options, now))).toBe('AUTH.BAD_SIGNATURE');
    expect(codeOf(() => verifyJwt(token, options, new Date(now.getTime() + 2 * 3600_000)))).toBe(
      'AUTH.TOKEN_EXPIRED',
    );
    expect(codeOf(() => verifyJwt(token, { ...options, issuer: 'other' }, now))).toBe('AUTH.BAD_ISSUER');
  });

  it('accepts only HS256: alg none and other algorithms are refused', () => {
    const body = Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', iss: 'jsjb', exp: 2e9 })).toString(
      'base64url',
    );
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(codeOf(() => verifyJwt(`${none}.${body}.sig`, options, now))).toBe('AUTH.UNSUPPORTED_ALGORITHM');
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512' })).toString('base64url');
    const sig = createHmac('sha512', options.secret).update(`${hs512}.${body}`).digest('base64url');
    expect(codeOf(() => verifyJwt(`${hs512}.${body}.${sig}`, options, now))).toBe(
      'AUTH.UNSUPPORTED_ALGORITHM',
    );
    expect(codeOf(() => verifyJwt('not-a-token', options, now))).toBe('AUTH.MALFORMED_TOKEN');
  });

  it('requires a unit_staff token to name its unit', () => {
    const token = signJwt({ sub: 's-1', role: 'unit_staff' }, { ...options, now });
    expect(codeOf(() => verifyJwt(token, options, now))).toBe('AUTH.BAD_CLAIMS');
  });
});
