// The console server's development sign-in: what it turns into `npm run token` arguments, and the
// field it names when a login is wrong (a 400 with that field, and no token).
import { loginArguments } from '../../dev/console-server.ts';

describe('the console server: development sign-in', () => {
  it('passes a role and its scope to the token tool', () => {
    expect(loginArguments({ role: 'unit_staff', subject: 'staff-1', unitId: 'street-110105001' })).toEqual({
      args: ['--role', 'unit_staff', '--ttl', '43200', '--sub', 'staff-1', '--unit', 'street-110105001'],
    });
    expect(loginArguments({ role: 'manager', districtCode: '110105', streetCode: '' })).toEqual({
      args: ['--role', 'manager', '--ttl', '43200', '--district', '110105'],
    });
  });

  it('names the field at fault', () => {
    expect(loginArguments({ role: 'admin' })).toMatchObject({ field: 'role' });
    expect(loginArguments(null)).toMatchObject({ field: 'role' });
    expect(loginArguments({ role: 'unit_staff' })).toMatchObject({ field: 'unitId' });
    expect(loginArguments({ role: 'operator', subject: 'a b; rm -rf' })).toMatchObject({ field: 'subject' });
    expect(loginArguments({ role: 'manager', streetCode: 42 })).toMatchObject({ field: 'streetCode' });
  });
});
