import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, ipSubject, NotFoundError } from '@jsjb/platform';
import type { AccessReader } from '../privacy/access-reader';
import { CallerData } from '../privacy/caller-data.service';
import { PersonalDataAccessService } from '../privacy/personal-data-access.service';
import { seesCallerUnmasked } from '../privacy/privacy.policy';
import { maskPhone, normalizePhone } from '../tickets/ticket.domain';
import { type CallerFlagStatus, type FlagReason, type SubjectKind } from './abuse.domain';
import { AbuseRepository, type CallerFlagRow } from './abuse.repository';
import type { CallerFlagQuery, ReviewBody } from './abuse.dto';

export function callerFlagNotFound(id: string): NotFoundError {
  return new NotFoundError('CALLER_FLAG.NOT_FOUND', `No caller flag ${id}.`);
}

/** The access log's name of a caller flag's phone number. */
const SUBJECT_FIELD = 'subject';

/** `subject`: as shown — the address, or the phone masked unless this read is logged. */
function flagView(row: CallerFlagRow, numbers: ReadonlyMap<string, string>, subject: string) {
  return {
    id: row.id,
    subjectKind: row.subjectKind as SubjectKind,
    subject,
    reason: row.reason as FlagReason,
    status: row.status as CallerFlagStatus,
    hits: row.hits,
    tickets: row.ticketIds.map((id) => ({ id, number: numbers.get(id) ?? null })),
    firstAt: row.firstAt.toISOString(),
    lastAt: row.lastAt.toISOString(),
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    reviewedBy: row.reviewedBy,
    reviewNote: row.reviewNote,
  };
}

export type CallerFlagView = ReturnType<typeof flagView>;

/** The review of flagged callers: clear (a genuine caller) or confirm (abuse), with a note. */
@Injectable()
export class AbuseReviewService {
  constructor(
    private readonly repository: AbuseRepository,
    private readonly clock: Clock,
    private readonly callers: CallerData,
    private readonly access: PersonalDataAccessService,
  ) {}

  /** Flags with phones masked: the number itself is one logged read away (`view`). */
  async list(query: CallerFlagQuery) {
    const { total, rows } = await this.repository.list(
      {
        status: query.status,
        kind: query.subjectKind,
        subjects: query.subject === undefined ? undefined : this.subjectsOf(query.subject),
      },
      { skip: (query.page - 1) * query.pageSize, take: query.pageSize },
    );
    const numbers = await this.repository.ticketNumbers([...new Set(rows.flatMap((r) => r.ticketIds))]);
    return {
      total,
      page: query.page,
      pageSize: query.pageSize,
      items: rows.map((row) => flagView(row, numbers, this.maskedSubject(row))),
    };
  }

  /**
   * One flag; a phone flag's number in the clear for the center's roles (reader given), logged
   * before it is returned, masked for the others.
   */
  async view(id: string, reader: AccessReader | null): Promise<CallerFlagView> {
    const row = await this.repository.find(id);
    if (!row) throw callerFlagNotFound(id);
    const numbers = await this.repository.ticketNumbers(row.ticketIds);
    if (row.subjectKind !== 'phone' || reader === null || !seesCallerUnmasked(reader.principal.role)) {
      return flagView(row, numbers, this.maskedSubject(row));
    }
    const phone = this.phoneOf(row);
    await this.access.record(reader, { callerFlagId: row.id, fields: [SUBJECT_FIELD] });
    return flagView(row, numbers, phone);
  }

  async review(
    id: string,
    status: Exclude<CallerFlagStatus, 'open'>,
    body: ReviewBody,
    reviewer: string,
  ): Promise<CallerFlagView> {
    const reviewed = await this.repository.review(id, {
      status,
      reviewedAt: this.clock.now(),
      reviewedBy: reviewer,
      reviewNote: body.note,
    });
    const row = await this.repository.find(id);
    if (!row) throw callerFlagNotFound(id);
    if (!reviewed) {
      throw new ConflictError(
        'CALLER_FLAG.REVIEWED',
        `Caller flag ${id} was ${row.status} by ${row.reviewedBy ?? 'someone'} already.`,
      );
    }
    return flagView(row, await this.repository.ticketNumbers(row.ticketIds), this.maskedSubject(row));
  }

  /**
   * Where a searched-for caller may be stored: a phone under its hash (and, until `pii-rekey` has
   * run, the plain number of older flags), an address as counted.
   */
  private subjectsOf(subject: string): { kind: SubjectKind; subject: string }[] {
    const phone = normalizePhone(subject);
    const subjects: { kind: SubjectKind; subject: string }[] = [
      { kind: 'ip', subject: ipSubject(subject) ?? subject },
    ];
    if (phone !== null) {
      subjects.push(
        { kind: 'phone', subject: this.callers.hashPhone(phone) },
        { kind: 'phone', subject: phone },
      );
    }
    return subjects;
  }

  /** A phone flag's number: sealed, or plain in a flag from before sealing. */
  private phoneOf(row: CallerFlagRow): string {
    return this.callers.openValue(row.subjectSealed, row.subjectKeyId) ?? row.subject;
  }

  private maskedSubject(row: CallerFlagRow): string {
    return row.subjectKind === 'phone' ? maskPhone(this.phoneOf(row)) : row.subject;
  }
}
