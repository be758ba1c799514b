import { ValidationError } from '../errors/app.error';
import { auditQuerySchema, decodeAuditCursor, encodeAuditCursor, toAuditQuery } from './audit-query';

describe('audit query', () => {
  it('round-trips a cursor and refuses anything else', () => {
    const cursor = { at: new Date('2026-12-21T08:00:00.123Z'), id: '0b8f7d1e-6a43-4f1e-9d2c-2f0a7c1b5e10' };
    expect(decodeAuditCursor(encodeAuditCursor(cursor))).toEqual(cursor);
    expect(decodeAuditCursor('garbage')).toBeUndefined();
    expect(decodeAuditCursor(Buffer.from('["x","y"]').toString('base64url'))).toBeUndefined();
  });

  it('parses filters and defaults the limit', () => {
    const sut = toAuditQuery(
      auditQuerySchema.parse({
        actor: 'op-1',
        action: 'POST /tickets/:id/triage',
        from: '2026-12-21T00:00:00Z',
      }),
    );
    expect(sut).toEqual({
      actor: 'op-1',
      action: 'POST /tickets/:id/triage',
      from: new Date('2026-12-21T00:00:00Z'),
      limit: 50,
    });
  });

  it('answers a bad cursor with a 400 on the cursor field', () => {
    let caught: unknown;
    try {
      toAuditQuery(auditQuerySchema.parse({ cursor: 'nope' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).errors.map((e) => e.field)).toEqual(['cursor']);
  });
});
