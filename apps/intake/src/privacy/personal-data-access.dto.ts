import { z } from 'zod';
import type { AccessPosition } from './personal-data-access.repository';

const isoTime = z.iso.datetime({ offset: true });

/** The position after a page's last row, opaque to clients: base64url of `<at ISO>|<id>`. */
export function encodeCursor(position: AccessPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, 'utf8').toString('base64url');
}

const cursorSchema = z
  .string()
  .max(200)
  .transform((raw, ctx): AccessPosition => {
    const [at = '', id = '', ...rest] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
    const time = new Date(at);
    if (
      rest.length > 0 ||
      !isoTime.safeParse(at).success ||
      Number.isNaN(time.getTime()) ||
      !z.uuid().safeParse(id).success
    ) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor of this list: pass nextCursor as given' });
      return z.NEVER;
    }
    return { at: time, id };
  });

export const accessQuerySchema = z
  .object({
    ticketId: z.uuid().optional().describe('reads of this ticket’s caller'),
    subject: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('reads by this staff member (token subject)'),
    from: isoTime.optional().describe('at or after'),
    to: isoTime.optional().describe('before'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorSchema.optional().describe('nextCursor of the previous page'),
  })
  .strict();
export type AccessQuery = z.infer<typeof accessQuerySchema>;
