import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwksKeys } from './jwks';
import { signJwt, verifyJwt } from './jwt';

const issuer = 'https://idp.example.cn';
const secret = 'a-test-secret-that-is-long-enough-000000';

function rsa(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** An RS256 token signed like an OIDC provider would. */
function rs256(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${body}`)
    .sign(privateKey)
    .toString('base64url');
  return `${header}.${body}.${signature}`;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('RS256 tokens and the provider’s JWKS', () => {
  const first = rsa();
  const second = rsa();
  let published: { kid: string; key: KeyObject }[] = [{ kid: 'k1', key: first.publicKey }];
  let requests = 0;
  let failing = false;
  let server: Server;
  let url: string;
  const claims = () => ({
    sub: 'u-1',
    role: 'dispatcher',
    iss: issuer,
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  beforeAll(async () => {
    server = createServer((_, response) => {
      requests += 1;
      if (failing) {
        response.statusCode = 503;
        response.end();
        return;
      }
      const keys = published.map(({ kid, key }) => ({
        ...key.export({ format: 'jwk' }),
        kid,
        use: 'sig',
        alg: 'RS256',
      }));
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });

  it('accepts a token signed with a published key and refuses one signed with another key', async () => {
    const sut = new JwksKeys({ url });
    await sut.ensure('k1');
    const options = { secret, issuer, rsaKey: (kid: string) => sut.key(kid) };
    expect(verifyJwt(rs256(first.privateKey, 'k1', claims()), options)).toMatchObject({
      subject: 'u-1',
      role: 'dispatcher',
    });
    expect(codeOf(() => verifyJwt(rs256(second.privateKey, 'k1', claims()), options))).toBe(
      'AUTH.BAD_SIGNATURE',
    );
    expect(codeOf(() => verifyJwt(rs256(first.privateKey, 'nope', claims()), options))).toBe(
      'AUTH.UNKNOWN_KEY',
    );
  });

  it('refuses RS256 when no provider is configured, and never checks an HS256 token against a public key', () => {
    const token = rs256(first.privateKey, 'k1', claims());
    expect(codeOf(() => verifyJwt(token, { secret, issuer }))).toBe('AUTH.UNSUPPORTED_ALGORITHM');
    // Algorithm confusion: an HS256 token "signed" with the public key as HMAC secret.
    const pem = first.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forged = signJwt({ sub: 'x', role: 'admin' }, { secret: pem, issuer });
    const sut = new JwksKeys({ url });
    expect(codeOf(() => verifyJwt(forged, { secret, issuer, rsaKey: (kid) => sut.key(kid) }))).toBe(
      'AUTH.BAD_SIGNATURE',
    );
  });

  it('fetches a rolled key when a token names it, but not more often than the minimum refresh interval', async () => {
    let now = 1_000_000;
    const sut = new JwksKeys({ url, minRefreshMs: 30_000, now: () => now });
    await sut.ensure('k1');
    const before = requests;
    published = [...published, { kid: 'k2', key: second.publicKey }];
    await sut.ensure('k2'); // too soon after the last fetch: no request
    expect(requests).toBe(before);
    expect(sut.key('k2')).toBeUndefined();
    now += 30_001;
    await sut.ensure('k2');
    expect(requests).toBe(before + 1);
    expect(sut.key('k2')).toBeDefined();
    await sut.ensure('k2'); // known and fresh: no request
    expect(requests).toBe(before + 1);
  });

  it('keeps the keys it knows when the provider cannot be reached', async () => {
    let now = 2_000_000;
    const sut = new JwksKeys({ url, ttlMs: 1000, now: () => now });
    await sut.ensure('k1');
    failing = true;
    try {
      now += 5000; // stale: refetched, and the fetch fails
      const before = requests;
      await sut.ensure('k1');
      expect(requests).toBe(before + 1);
      expect(sut.key('k1')).toBeDefined();
    } finally {
      failing = false;
    }
    const unreachable = new JwksKeys({ url: 'http://127.0.0.1:1/jwks', timeoutMs: 500 });
    await unreachable.ensure('k1');
    expect(unreachable.key('k1')).toBeUndefined();
  });
});
