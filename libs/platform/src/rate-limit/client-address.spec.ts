import { ipSubject } from './client-address';

describe('ipSubject', () => {
  it('keeps IPv4, also when IPv4-mapped', () => {
    expect(ipSubject('203.0.113.7')).toBe('203.0.113.7');
    expect(ipSubject('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv6 by its /64, however the address is written', () => {
    expect(ipSubject('2001:db8:85a3:0042:1000:8a2e:0370:7334')).toBe('2001:db8:85a3:42::/64');
    expect(ipSubject('2001:DB8:85A3:42::1')).toBe('2001:db8:85a3:42::/64');
    expect(ipSubject('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipSubject('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('refuses what is not an address', () => {
    expect(ipSubject('300.1.1.1')).toBeNull();
    expect(ipSubject('not-an-ip')).toBeNull();
    expect(ipSubject('1::2::3')).toBeNull();
    expect(ipSubject('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
});
