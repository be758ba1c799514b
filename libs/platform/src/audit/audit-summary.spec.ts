import { bodyFieldNames, REDACTED, resourceIdsOf, summarizeBody } from './audit-summary';

describe('summarizeBody', () => {
  it('keeps ids, states, versions, numbers, codes and times; drops personal data and free text', () => {
    const sut = summarizeBody({
      id: 't-1',
      number: '20261221000123',
      status: 'forwarded',
      version: 3,
      categoryCode: 'city.facility.manhole',
      leadUnitId: 'u-1',
      replyDueAt: new Date('2026-12-28T00:00:00Z'),
      effectiveFrom: '2027-01-01T00:00:00Z',
      closedAt: null,
      merged: true,
      content: '我家楼下井盖丢了',
      directReply: '已告知',
      callerName: '张三',
      callerPhone: '13800000000',
      residentSubject: 'res-9',
      contactId: 'c-1',
      accountId: 'acc-1',
      caller: { name: '张三' },
      items: [1, 2],
    });
    expect(sut).toEqual({
      id: 't-1',
      number: '20261221000123',
      status: 'forwarded',
      version: 3,
      categoryCode: 'city.facility.manhole',
      leadUnitId: 'u-1',
      replyDueAt: '2026-12-28T00:00:00.000Z',
      effectiveFrom: '2027-01-01T00:00:00Z',
      closedAt: null,
    });
  });

  it('leaves out long strings and answers undefined when nothing qualifies', () => {
    expect(summarizeBody({ id: 'x'.repeat(201) })).toBeUndefined();
    expect(summarizeBody([{ id: 'a' }])).toBeUndefined();
    expect(summarizeBody('<ok/>')).toBeUndefined();
    expect(summarizeBody(undefined)).toBeUndefined();
    expect(summarizeBody({ note: 'text' })).toBeUndefined();
  });
});

describe('resourceIdsOf', () => {
  it('takes string route parameters and redacts credentials', () => {
    expect(resourceIdsOf({ id: 'a-1', token: 'eyJ.sig', date: '2026-10-01' })).toEqual({
      id: 'a-1',
      token: REDACTED,
      date: '2026-10-01',
    });
    expect(resourceIdsOf(undefined)).toEqual({});
  });
});

describe('bodyFieldNames', () => {
  it('lists a JSON object’s or a form’s field names, never values', () => {
    expect(bodyFieldNames({ phone: '138', content: 'x' }, 'application/json')).toEqual(['phone', 'content']);
    expect(
      bodyFieldNames('api_key=k&service_code=a&phone=138&phone=139', 'application/x-www-form-urlencoded'),
    ).toEqual(['api_key', 'service_code', 'phone']);
    expect(bodyFieldNames('plain', 'text/plain')).toBeNull();
    expect(bodyFieldNames([1], 'application/json')).toBeNull();
    expect(bodyFieldNames(undefined, undefined)).toBeNull();
  });
});
