import { randomBytes } from 'node:crypto';
import { CallerData, disclosedFields, maskCaller } from './caller-data.service';
import { PersonalDataCipher } from './personal-data';

const hashKey = 'a-test-hash-key-of-at-least-thirty-two-chars';
const sut = new CallerData(new PersonalDataCipher({ keys: new Map([['k1', randomBytes(32)]]), hashKey }));

describe('CallerData', () => {
  it('seals a caller: nothing plain, the key id and the phone’s hash beside the sealed values', () => {
    const sealed = sut.seal({ name: '王小明', phone: '13812345678' });
    expect(sealed).toMatchObject({
      callerName: null,
      callerPhone: null,
      callerPiiKeyId: 'k1',
      callerPhoneHash: sut.hashPhone('13812345678'),
    });
    const stored = Buffer.concat([
      sealed.callerNameSealed ?? new Uint8Array(),
      sealed.callerPhoneSealed ?? new Uint8Array(),
    ]);
    expect(stored.includes(Buffer.from('13812345678'))).toBe(false);
    expect(stored.includes(Buffer.from('王小明'))).toBe(false);
    expect(sut.open(sealed)).toEqual({ name: '王小明', phone: '13812345678' });
  });

  it('stores no key id and no hash for a caller without name and phone', () => {
    expect(sut.seal({})).toEqual({
      callerName: null,
      callerPhone: null,
      callerNameSealed: null,
      callerPhoneSealed: null,
      callerPiiKeyId: null,
      callerPhoneHash: null,
    });
    expect(sut.seal({ phone: '13812345678' })).toMatchObject({
      callerNameSealed: null,
      callerPiiKeyId: 'k1',
    });
  });

  it('reads rows from before sealing (plain columns) too', () => {
    const legacy = {
      callerName: '张三',
      callerPhone: '13800000000',
      callerNameSealed: null,
      callerPhoneSealed: null,
      callerPiiKeyId: null,
    };
    expect(sut.open(legacy)).toEqual({ name: '张三', phone: '13800000000' });
    expect(sut.masked(legacy)).toEqual({ name: '张*', phone: '138****0000' });
  });

  it('masks and names the disclosed fields', () => {
    expect(maskCaller({ name: null, phone: '010-62345678' })).toEqual({ name: null, phone: '010-****5678' });
    expect(disclosedFields({ name: '张三', phone: null })).toEqual(['caller.name']);
    expect(disclosedFields({ name: '张三', phone: '13800000000' })).toEqual(['caller.name', 'caller.phone']);
    expect(disclosedFields({ name: null, phone: null })).toEqual([]);
  });
});
