import { randomUUID } from 'node:crypto';
import { signRatingLink, verifyRatingLink } from './rating-link.domain';

const SECRET = 's'.repeat(32);
const now = new Date('2026-12-01T08:00:00Z');
const expiresAt = new Date('2026-12-04T08:00:00Z');

/** The token with its bytes changed by `edit`. */
function edited(token: string, edit: (bytes: Buffer) => void): string {
  const bytes = Buffer.from(token, 'base64url');
  edit(bytes);
  return bytes.toString('base64url');
}

describe('rating links', () => {
  it('verifies its own link and gives back the ticket, cycle and expiry; a UUID ticket gives 52 characters', () => {
    const uuid = { ticketId: randomUUID(), cycle: 2, expiresAt };
    const token = signRatingLink(uuid, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]{52}$/);
    expect(verifyRatingLink(token, SECRET, now)).toEqual({ ok: true, claims: uuid });

    const other = { ticketId: 'T-1.with.dots-工单', cycle: 65535, expiresAt };
    expect(verifyRatingLink(signRatingLink(other, SECRET), SECRET, now)).toEqual({ ok: true, claims: other });
  });

  it('refuses a link with a changed expiry, cycle or signature, or signed with another secret', () => {
    const token = signRatingLink({ ticketId: randomUUID(), cycle: 1, expiresAt }, SECRET);
    const later = edited(token, (b) => b.writeUInt32BE(b.readUInt32BE(3) + 86_400, 3));
    const cycle2 = edited(token, (b) => b.writeUInt16BE(2, 1));
    const badMac = edited(token, (b) => b.writeUInt8(b.readUInt8(b.length - 1) ^ 1, b.length - 1));
    for (const bad of [later, cycle2, badMac]) {
      expect(verifyRatingLink(bad, SECRET, now)).toEqual({ ok: false, reason: 'bad-signature' });
    }
    expect(verifyRatingLink(token, 't'.repeat(32), now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('says an expired link is expired, but only once its signature holds', () => {
    const token = signRatingLink({ ticketId: 'T-1', cycle: 1, expiresAt }, SECRET);
    expect(verifyRatingLink(token, SECRET, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyRatingLink(token, SECRET, new Date(expiresAt.getTime() - 1000))).toMatchObject({ ok: true });
  });

  it('calls anything that is not a link malformed', () => {
    for (const token of ['', 'abc', 'not-a-link', 'a.b', 'a b', 'x'.repeat(500)]) {
      expect(verifyRatingLink(token, SECRET, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses to sign what it could not carry', () => {
    expect(() => signRatingLink({ ticketId: 'T-1', cycle: 0, expiresAt }, SECRET)).toThrow(RangeError);
    expect(() => signRatingLink({ ticketId: 'x'.repeat(256), cycle: 1, expiresAt }, SECRET)).toThrow(
      RangeError,
    );
  });
});
