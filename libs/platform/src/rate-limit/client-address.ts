/**
 * The address a per-client limit counts against: IPv4 as is (also when IPv4-mapped, `::ffff:1.2.3.4`),
 * IPv6 by its /64 — one subscriber usually holds a whole /64 and could otherwise rotate addresses.
 * Null for something that is not an address.
 */
export function ipSubject(raw: string): string | null {
  const ip = raw.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  const v4 = mapped?.[1] ?? ip;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(v4)) {
    return v4.split('.').every((octet) => Number(octet) <= 255) ? v4 : null;
  }
  const groups = expandIpv6(ip.replace(/%.*$/, ''));
  return groups === null ? null : `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros, or null. */
function expandIpv6(ip: string): string[] | null {
  if (!/^[0-9a-f:]+$/.test(ip) || ip.split('::').length > 2) return null;
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
