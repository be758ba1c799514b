import { randomBytes } from 'node:crypto';
import { PersonalDataCipher } from './personal-data';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const hashKey = 'a-test-hash-key-of-at-least-thirty-two-chars';

describe('PersonalDataCipher', () => {
  it('seals with the active key, a fresh IV each time, and opens again', () => {
    const cipher = new PersonalDataCipher({ keys: new Map([['k1', k1]]), hashKey });
    const a = cipher.seal('13812345678');
    const b = cipher.seal('13812345678');
    expect(a.keyId).toBe('k1');
    expect(a.data.equals(b.data)).toBe(false);
    expect(a.data.includes(Buffer.from('13812345678'))).toBe(false);
    expect(cipher.open(a)).toBe('13812345678');
    expect(cipher.open(cipher.seal('王小明'))).toBe('王小明');
  });

  it('opens data sealed under an older key after rotation and says it is stale', () => {
    const old = new PersonalDataCipher({ keys: new Map([['k1', k1]]), hashKey });
    const sealed = old.seal('王小明');
    const rotated = new PersonalDataCipher({
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      activeKeyId: 'k2',
      hashKey,
    });
    expect(rotated.open(sealed)).toBe('王小明');
    expect(rotated.isStale(sealed.keyId)).toBe(true);
    expect(rotated.seal('x').keyId).toBe('k2');
  });

  it('refuses tampered data and unknown keys with stable codes', () => {
    const cipher = new PersonalDataCipher({ keys: new Map([['k1', k1]]), hashKey });
    const sealed = cipher.seal('13812345678');
    const tampered = Buffer.from(sealed.data);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(codeOf(() => cipher.open({ keyId: 'k1', data: tampered }))).toBe('PRIVACY.UNREADABLE');
    expect(codeOf(() => cipher.open({ keyId: 'k9', data: sealed.data }))).toBe('PRIVACY.UNKNOWN_KEY');
  });

  it('hashes deterministically under its key', () => {
    const a = new PersonalDataCipher({ keys: new Map([['k1', k1]]), hashKey });
    const b = new PersonalDataCipher({ keys: new Map([['k1', k1]]), hashKey: `${hashKey}-other` });
    expect(a.hash('13812345678')).toBe(a.hash('13812345678'));
    expect(a.hash('13812345678')).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash('13812345678')).not.toBe(b.hash('13812345678'));
  });
});
