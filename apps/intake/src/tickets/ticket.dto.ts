import { CHANNELS, DIVERSION_REASONS, REQUEST_TYPES, URGENCY_CLASSES } from '@jsjb/contracts';
import { parseOrThrow } from '@jsjb/platform';
import { z } from 'zod';
import { CRS_CODES, normalizePhone, TICKET_STATUSES } from './ticket.domain';

const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const areaCode = z.string().trim().min(1).max(32);

/** A caller's phone: a mainland mobile or landline number, stored in canonical form. */
export const phoneSchema = z
  .string()
  .max(32)
  .transform((raw, ctx) => {
    const phone = normalizePhone(raw);
    if (phone === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'not a mainland mobile (1xxxxxxxxxx) or landline (0xx-xxxxxxxx) number',
      });
      return z.NEVER;
    }
    return phone;
  });

export const callerSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    phone: phoneSchema.optional(),
    /** 保密 — the caller asked for confidential handling: units see neither name nor number. */
    confidential: z.boolean().default(false),
  })
  .strict();

export const locationInputSchema = z
  .object({
    districtCode: areaCode.optional(),
    streetCode: areaCode.optional(),
    communityCode: areaCode.optional(),
    address: z.string().trim().min(1).max(500).optional(),
    coordinates: z
      .object({
        lng: z.number().min(-180).max(180),
        lat: z.number().min(-90).max(90),
        /** The reference system the coordinates are in; most Chinese map apps give GCJ02. */
        crs: z.enum(CRS_CODES),
      })
      .strict()
      .optional(),
  })
  .strict();

export const mediaSchema = z
  .array(z.url({ protocol: /^https?$/ }).max(2000))
  .max(20)
  .default([]);

/** The three triage outcomes (Art. 11). */
export const triageSchema = z.discriminatedUnion('outcome', [
  /** 转办 — send on for dispatch. */
  z.object({ outcome: z.literal('dispatch') }).strict(),
  /** 直办 — answered on the spot. */
  z.object({ outcome: z.literal('direct'), reply: text(4000) }).strict(),
  /** 分流 — the right channel is elsewhere. */
  z
    .object({
      outcome: z.literal('divert'),
      reason: z.enum(DIVERSION_REASONS),
      note: z.string().trim().max(4000).default(''),
    })
    .strict(),
]);
export type Triage = z.infer<typeof triageSchema>;

/** A ticket as an operator records it from a call (受理). Unset type, category or urgency: the classifier's suggestion. */
export const operatorCreateSchema = z
  .object({
    channel: z.enum(CHANNELS).default('hotline'),
    requestType: z.enum(REQUEST_TYPES).optional(),
    categoryCode: z.string().trim().min(1).max(64).optional(),
    urgency: z.enum(URGENCY_CLASSES).optional(),
    content: text(4000),
    caller: callerSchema.default({ confidential: false }),
    location: locationInputSchema.default({}),
    media: mediaSchema,
    /** Taken on the call; without it the ticket waits (pending) for an operator's outcome. */
    triage: triageSchema.optional(),
  })
  .strict();
export type OperatorCreate = z.infer<typeof operatorCreateSchema>;

/** A resident's submission from the app, web or mini-program; sent on for dispatch at once. */
export const residentSubmitSchema = z
  .object({
    channel: z.enum(['app', 'web', 'mini-program']).default('app'),
    requestType: z.enum(REQUEST_TYPES).optional(),
    categoryCode: z.string().trim().min(1).max(64).optional(),
    content: text(4000),
    caller: callerSchema.default({ confidential: false }),
    location: locationInputSchema.default({}),
    media: mediaSchema,
  })
  .strict();
export type ResidentSubmit = z.infer<typeof residentSubmitSchema>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(values)).min(1));

export const ticketQuerySchema = z
  .object({
    status: csv(TICKET_STATUSES).optional().describe('comma-separated statuses'),
    channel: csv(CHANNELS).optional(),
    requestType: csv(REQUEST_TYPES).optional(),
    urgency: csv(URGENCY_CLASSES).optional(),
    categoryCode: z.string().max(64).optional(),
    districtCode: areaCode.optional(),
    streetCode: areaCode.optional(),
    number: z
      .string()
      .regex(/^\d{1,14}$/)
      .optional()
      .describe('the ticket number or its beginning'),
    phone: phoneSchema.optional(),
    q: z.string().trim().min(1).max(100).optional().describe('words in the content'),
    from: isoTime.optional().describe('created at or after'),
    to: isoTime.optional().describe('created before'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type TicketQuery = z.infer<typeof ticketQuerySchema> & {
  /** Set by scoping, never by the caller: a department manager sees the tickets its unit leads. */
  leadUnitId?: string;
};

export const residentQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** The Idempotency-Key header: a client's unique token for one create. */
const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(100)
  .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only');

/** The Idempotency-Key header, checked (400 naming the header), or undefined when not sent. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  return header === undefined ? undefined : parseOrThrow(idempotencyKeySchema, header, 'Idempotency-Key');
}
