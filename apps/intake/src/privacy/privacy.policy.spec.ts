import { AppError } from '@jsjb/platform';
import { accessPurpose, seesCallerUnmasked, unitContact } from './privacy.policy';

function failure(fn: () => unknown): { code: string; errors: readonly { field: string; code: string }[] } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, errors: error.errors };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('accessPurpose', () => {
  it('takes the route’s default for the center’s roles when none is given', () => {
    for (const role of ['operator', 'dispatcher', 'admin', 'callback_agent'] as const) {
      expect(accessPurpose(role, undefined, 'ticket handling')).toBe('ticket handling');
      expect(accessPurpose(role, '   ', 'ticket handling')).toBe('ticket handling');
    }
  });

  it('requires one from a unit, naming the header', () => {
    expect(failure(() => accessPurpose('unit_staff', undefined, 'x'))).toEqual({
      code: 'PRIVACY.PURPOSE_REQUIRED',
      errors: [expect.objectContaining({ field: 'X-Access-Purpose', code: 'required' })],
    });
  });

  it('decodes percent-encoded and raw UTF-8', () => {
    expect(accessPurpose('unit_staff', encodeURIComponent('核实现场情况'), 'x')).toBe('核实现场情况');
    const raw = Buffer.from('回访核实', 'utf8').toString('latin1');
    expect(accessPurpose('unit_staff', raw, 'x')).toBe('回访核实');
    expect(accessPurpose('operator', ['first', 'second'], 'x')).toBe('first');
  });

  it('refuses more than 200 characters, control characters and what does not decode', () => {
    expect(accessPurpose('unit_staff', encodeURIComponent('查'.repeat(200)), 'x')).toHaveLength(200);
    expect(failure(() => accessPurpose('unit_staff', 'a'.repeat(201), 'x'))).toMatchObject({
      code: 'PRIVACY.PURPOSE_INVALID',
      errors: [{ field: 'X-Access-Purpose', code: 'too_big' }],
    });
    expect(failure(() => accessPurpose('operator', 'call%0Aback', 'x')).code).toBe('PRIVACY.PURPOSE_INVALID');
    expect(failure(() => accessPurpose('operator', '%E4%BD', 'x')).code).toBe('PRIVACY.PURPOSE_INVALID');
  });
});

describe('who sees the caller', () => {
  it('unmasked in the ticket view for the center’s roles only', () => {
    expect(
      ['operator', 'dispatcher', 'admin', 'callback_agent'].every((r) => seesCallerUnmasked(r as never)),
    ).toBe(true);
    expect(seesCallerUnmasked('manager')).toBe(false);
    expect(seesCallerUnmasked('unit_staff')).toBe(false);
    expect(seesCallerUnmasked('resident')).toBe(false);
  });

  it('a unit: its own ticket unless confidential; another’s is not found', () => {
    const ticket = { leadUnitId: 'street-110105001', confidential: false };
    expect(unitContact(ticket, 'street-110105001')).toBe('disclose');
    expect(unitContact(ticket, 'street-110105002')).toBe('not-found');
    expect(unitContact(ticket, null)).toBe('not-found');
    expect(unitContact({ ...ticket, leadUnitId: null }, 'street-110105001')).toBe('not-found');
    expect(unitContact({ ...ticket, confidential: true }, 'street-110105001')).toBe('confidential');
    expect(unitContact({ ...ticket, confidential: true }, 'street-110105002')).toBe('not-found');
  });
});
