import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, NotFoundError } from '@jsjb/platform';
import type { CallerFlagStatus, FlagReason, SubjectKind } from './abuse.domain';
import { AbuseRepository, type CallerFlagRow } from './abuse.repository';
import type { CallerFlagQuery, ReviewBody } from './abuse.dto';

export function callerFlagNotFound(id: string): NotFoundError {
  return new NotFoundError('CALLER_FLAG.NOT_FOUND', `No caller flag ${id}.`);
}

function flagView(row: CallerFlagRow, numbers: ReadonlyMap<string, string>) {
  return {
    id: row.id,
    subjectKind: row.subjectKind as SubjectKind,
    subject: row.subject,
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
  ) {}

  async list(query: CallerFlagQuery) {
    const { total, rows } = await this.repository.list(
      { status: query.status, kind: query.subjectKind, subject: query.subject },
      { skip: (query.page - 1) * query.pageSize, take: query.pageSize },
    );
    const numbers = await this.repository.ticketNumbers([...new Set(rows.flatMap((r) => r.ticketIds))]);
    return {
      total,
      page: query.page,
      pageSize: query.pageSize,
      items: rows.map((row) => flagView(row, numbers)),
    };
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
    return flagView(row, await this.repository.ticketNumbers(row.ticketIds));
  }
}
