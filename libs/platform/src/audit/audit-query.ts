import { z } from 'zod';
import { ValidationError } from '../errors/app.error';

/** Where a page ends: the (at, id) of its last row, newest first. Opaque to clients. */
export interface AuditCursor {
  at: Date;
  id: string;
}

const cursorShape = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString('base64url');
}

/** Undefined for anything that is not a cursor this service wrote. */
export function decodeAuditCursor(value: string): AuditCursor | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorShape.safeParse(decoded);
  return parsed.success ? { at: new Date(parsed.data[0]), id: parsed.data[1] } : undefined;
}

/** GET /audit's query string. */
export const auditQuerySchema = z
  .object({
    actor: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The actor’s subject (a staff id, an Open311 client id, `anonymous`)'),
    action: z
      .string()
      .regex(/^(POST|PUT|PATCH|DELETE) \/\S{0,290}$/, 'METHOD /route/:pattern')
      .optional()
      .describe('The route key, e.g. `POST /tickets/:id/triage`'),
    resourceId: z
      .string()
      .regex(/^[A-Za-z0-9_.:@-]{1,200}$/, 'letters, digits and _.:@-')
      .optional()
      .describe('Rows naming this id among their resource ids (route parameters and noted ids)'),
    from: z.iso.datetime({ offset: true }).optional().describe('At or after this time'),
    to: z.iso.datetime({ offset: true }).optional().describe('Before this time'),
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Rows per page (1–200)'),
    cursor: z.string().min(1).max(300).optional().describe('`nextCursor` of the previous page'),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
    path: ['to'],
    message: 'must be after from',
  });

export interface AuditQuery {
  actor?: string;
  action?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: AuditCursor;
}

/** The parsed query, or a 400 naming each bad parameter. */
export function toAuditQuery(input: z.infer<typeof auditQuerySchema>): AuditQuery {
  const query: AuditQuery = { limit: input.limit };
  if (input.actor !== undefined) query.actor = input.actor;
  if (input.action !== undefined) query.action = input.action;
  if (input.resourceId !== undefined) query.resourceId = input.resourceId;
  if (input.from !== undefined) query.from = new Date(input.from);
  if (input.to !== undefined) query.to = new Date(input.to);
  if (input.cursor !== undefined) {
    const cursor = decodeAuditCursor(input.cursor);
    if (!cursor) {
      throw new ValidationError([
        { field: 'cursor', code: 'invalid_cursor', message: 'not a cursor of this listing' },
      ]);
    }
    query.cursor = cursor;
  }
  return query;
}
