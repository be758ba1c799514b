import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, Clock } from '@jsjb/platform';
import type { AccessReader } from './access-reader';
import { encodeCursor, type AccessQuery } from './personal-data-access.dto';
import { PersonalDataAccessRepository, type PersonalDataAccessRow } from './personal-data-access.repository';

/** What one read discloses: the caller of a ticket or the phone of a caller flag, and which fields. */
export type Disclosure =
  | { ticketId: string; callerFlagId?: undefined; fields: readonly string[] }
  | { callerFlagId: string; ticketId?: undefined; fields: readonly string[] };

function accessView(row: PersonalDataAccessRow) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    subject: row.subject,
    role: row.role,
    unitId: row.unitId,
    ticketId: row.ticketId,
    callerFlagId: row.callerFlagId,
    fields: row.fields,
    purpose: row.purpose,
    action: row.action,
    requestId: row.requestId,
  };
}

/**
 * 个人信息查阅记录 — every unmasked read of a caller's personal data, written before the data goes
 * out: when the row cannot be written the read fails (no disclosure without its record).
 */
@Injectable()
export class PersonalDataAccessService {
  constructor(
    private readonly repository: PersonalDataAccessRepository,
    private readonly clock: Clock,
  ) {}

  /** Logs one disclosure; throws PRIVACY.ACCESS_NOT_LOGGED (503) when it cannot, and the read must fail. */
  async record(reader: AccessReader, disclosure: Disclosure): Promise<void> {
    try {
      await this.repository.add({
        id: randomUUID(),
        at: this.clock.now(),
        subject: reader.principal.subject,
        role: reader.principal.role,
        unitId: reader.principal.unitId,
        ticketId: disclosure.ticketId ?? null,
        callerFlagId: disclosure.callerFlagId ?? null,
        fields: [...disclosure.fields],
        purpose: reader.purpose,
        action: reader.action,
        requestId: reader.requestId,
      });
    } catch (error) {
      throw new AppError(
        'PRIVACY.ACCESS_NOT_LOGGED',
        'The read could not be logged, so the personal data is not shown; try again.',
        { status: 503, title: 'Service Unavailable', cause: error },
      );
    }
  }

  /** Newest first, `limit` at a time; nextCursor continues after the last row (null: no more). */
  async list(query: AccessQuery) {
    const rows = await this.repository.list(
      {
        ticketId: query.ticketId,
        subject: query.subject,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
      },
      query.cursor ?? null,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(accessView),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    };
  }
}
