import { loggableUrl, requestIdFrom } from './logging';

describe('loggableUrl', () => {
  it('redacts personal data and credentials in query strings and signed links', () => {
    expect(loggableUrl('/tickets?phone=13812345678&status=dispatched')).toBe(
      '/tickets?phone=[redacted]&status=dispatched',
    );
    expect(loggableUrl('/caller-flags?subject=13812345678')).toBe('/caller-flags?subject=[redacted]');
    expect(loggableUrl('/open311/v2/requests.json?api_key=k&service_code=x')).toBe(
      '/open311/v2/requests.json?api_key=[redacted]&service_code=x',
    );
    expect(loggableUrl('/ratings/abcDEF123_-?x=1')).toBe('/ratings/[redacted]?x=1');
    expect(loggableUrl('/tickets/0a6c?page=2')).toBe('/tickets/0a6c?page=2');
    expect(loggableUrl('/tickets')).toBe('/tickets');
  });
});

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
