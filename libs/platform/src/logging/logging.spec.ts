import { requestIdFrom } from './logging';

describe('requestIdFrom', () => {
  it("keeps a caller's well-formed id", () => {
    expect(requestIdFrom('call-12345.abc:1')).toBe('call-12345.abc:1');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
  });

  it('mints a new id when there is none or it is unsafe', () => {
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('bad id\nwith newline')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(200))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
