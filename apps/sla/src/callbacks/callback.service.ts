import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventPayload, EventType } from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import { Clock, PLATFORM_CONFIG, type Principal, ValidationError } from '@jsjb/platform';
import { ratingLinkSecret } from './callbacks.config';
import type { SlaConfig } from '../config';
import type { Prisma } from '../generated/prisma/client';
import {
  type AnswerChannel,
  answerIssues,
  applyAnswer,
  type CallbackAnswerInput,
  reopenReason,
  SATISFACTION_LABELS,
  type Satisfaction,
} from './callback.domain';
import type { AnswerBody, ListQuery, RatingBody } from './callback.dto';
import { callbackErrors } from './callback.errors';
import {
  type AnswerRow,
  CallbackRepository,
  type ReplyRow,
  replyKey,
  type TaskRow,
  type TicketRow,
  type Tx,
} from './callback.repository';
import { signRatingLink, verifyRatingLink } from './rating-link.domain';

const HOUR = 3_600_000;

/** What the lead's timer passes when a cycle's reply deadline expires. */
export interface OpenCallbackInput {
  ticketId: string;
  cycle: number;
  leadUnitId: string | null;
  leadAssignmentId: string | null;
  /** The deadline that expired. */
  replyDueAt: Date;
  /** From the policy the ticket's clocks run on: an unsatisfied, unresolved answer reopens (重办). */
  reopenOnUnresolved: boolean;
  /** By when the callback must be done (the callback clock's due). */
  callbackDueAt: Date;
  /** Now, from the injectable Clock. */
  at: Date;
}

/** Who records an answer. */
interface Recorder {
  channel: AnswerChannel;
  subject: string | null;
}

/** The result of recording an answer. */
export interface AnswerResult {
  taskId: string;
  status: TaskRow['status'];
  attempts: number;
  /** Set when the callback closed: what `ticket.rated.v1` reported. */
  rated: { contacted: boolean; resolved: boolean | null; satisfaction: Satisfaction | null } | null;
  /** 重办 — `ticket.reopened.v1` was written for the next cycle. */
  reopened: boolean;
}

/**
 * 回访 — callbacks and ratings: a task per ticket cycle when its reply deadline expires, answered by
 * a callback agent (attempts until the resident is reached or attempts run out) or by the resident
 * through a signed link; the closing answer is rated (`ticket.rated.v1`) and may reopen the ticket
 * (`ticket.reopened.v1`), both in the transaction that records it. Every answer is kept as given.
 */
@Injectable()
export class CallbackService {
  private readonly maxAttempts: number;
  private readonly linkSecret: string;
  private readonly linkTtlMs: number;
  private readonly linkBaseUrl: string;

  constructor(
    private readonly repository: CallbackRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) config: SlaConfig,
  ) {
    this.maxAttempts = config.SLA_CALLBACK_MAX_ATTEMPTS;
    this.linkSecret = ratingLinkSecret(config);
    this.linkTtlMs = config.SLA_RATING_LINK_TTL_HOURS * HOUR;
    this.linkBaseUrl = config.SLA_RATING_LINK_BASE_URL;
  }

  /** Opens the 回访 task for a ticket's cycle (idempotent: a second call for the same ticket+cycle returns the existing task). */
  async open(
    tx: Prisma.TransactionClient,
    input: OpenCallbackInput,
  ): Promise<{ taskId: string; created: boolean }> {
    const id = randomUUID();
    const created = await this.repository.insertTask(tx, {
      id,
      ticketId: input.ticketId,
      cycle: input.cycle,
      leadUnitId: input.leadUnitId,
      leadAssignmentId: input.leadAssignmentId,
      replyDueAt: input.replyDueAt,
      callbackDueAt: input.callbackDueAt,
      reopenOnUnresolved: input.reopenOnUnresolved,
      // whole seconds: the link carries its expiry in seconds, and the task shows the same instant
      linkExpiresAt: new Date(Math.floor((input.at.getTime() + this.linkTtlMs) / 1000) * 1000),
      openedAt: input.at,
    });
    if (created) return { taskId: id, created: true };
    const existing = await this.repository.taskOfCycle(input.ticketId, input.cycle, tx);
    if (!existing)
      throw new Error(`callback of ${input.ticketId} cycle ${input.cycle} neither inserted nor found`);
    return { taskId: existing.id, created: false };
  }

  /** `ticket.received.v1`: what the agent and the rating page show of the ticket. */
  recordTicket(tx: Tx, data: EventPayload<'ticket.received.v1'>): Promise<void> {
    return this.repository.saveTicket(tx, data);
  }

  /** `ticket.replied.v1`: the unit's answer that the callback asks the resident about. */
  recordReply(tx: Tx, data: EventPayload<'ticket.replied.v1'>): Promise<void> {
    return this.repository.saveReply(tx, data);
  }

  async list(principal: Principal, query: ListQuery) {
    const { total, rows } = await this.repository.list({
      status: query.status,
      dueBefore: query.dueBefore ? new Date(query.dueBefore) : undefined,
      unitId: query.unitId,
      ticketId: query.ticketId,
      districtCode: principal.districtCode ?? undefined,
      claimedBy: query.mine ? principal.subject : undefined,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    const { tickets, replies } = await this.context(rows);
    const now = this.clock.now();
    return {
      total,
      page: query.page,
      pageSize: query.pageSize,
      items: rows.map((row) =>
        this.taskView(row, tickets.get(row.ticketId) ?? null, replies.get(replyKey(row)) ?? null, now),
      ),
    };
  }

  async detail(principal: Principal, id: string) {
    const task = this.inScope(principal, await this.repository.task(id), id);
    const [{ tickets, replies }, answers] = await Promise.all([
      this.context([task]),
      this.repository.answers(task.id),
    ]);
    const now = this.clock.now();
    const mayCall = principal.role === 'callback_agent' || principal.role === 'admin';
    return {
      ...this.taskView(task, tickets.get(task.ticketId) ?? null, replies.get(replyKey(task)) ?? null, now),
      answers: answers.map(answerView),
      // The link is a credential: only those who pass it on to the resident see it, and only while it can work.
      ratingLink:
        mayCall && task.status === 'open' && task.linkExpiresAt.getTime() > now.getTime()
          ? { url: this.ratingUrl(task), expiresAt: task.linkExpiresAt }
          : null,
    };
  }

  /** Takes the callback on (optional): others can no longer record answers to it. */
  async claim(principal: Principal, id: string) {
    const now = this.clock.now();
    await this.repository.transaction(async (tx) => {
      const task = this.inScope(principal, await this.repository.lockTask(tx, id), id);
      if (task.status !== 'open') throw callbackErrors.closed(task.status);
      if (task.claimedBy === principal.subject) return;
      if (task.claimedBy !== null && principal.role !== 'admin') throw callbackErrors.claimedByOther();
      await this.repository.claim(tx, id, principal.subject, now);
    });
    return this.detail(principal, id);
  }

  /** 回访 by a callback agent: one call's answers, or an attempt that reached nobody. */
  async answer(principal: Principal, id: string, body: AnswerBody, raw: unknown): Promise<AnswerResult> {
    requireCoherent(body);
    return this.repository.transaction(async (tx) => {
      const task = this.inScope(principal, await this.repository.lockTask(tx, id), id);
      if (task.status !== 'open') throw callbackErrors.closed(task.status);
      if (task.claimedBy !== null && task.claimedBy !== principal.subject && principal.role !== 'admin') {
        throw callbackErrors.claimedByOther();
      }
      return this.record(tx, task, body, raw, { channel: 'agent', subject: principal.subject });
    });
  }

  /** The rating page: what the resident is asked about. No staff data. */
  async ratingView(token: string) {
    const claims = this.verifyLink(token);
    const task = await this.repository.taskOfCycle(claims.ticketId, claims.cycle);
    if (!task) throw callbackErrors.linkUnknown();
    const { tickets, replies } = await this.context([task]);
    const ticket = tickets.get(task.ticketId) ?? null;
    const reply = replies.get(replyKey(task)) ?? null;
    return {
      ticketNumber: ticket?.number ?? null,
      categoryCode: ticket?.categoryCode ?? null,
      requestType: ticket?.requestType ?? null,
      cycle: task.cycle,
      reply: reply ? { result: reply.result, content: reply.content, repliedAt: reply.repliedAt } : null,
      /** False once the callback has its answer (the page thanks the resident instead). */
      open: task.status === 'open',
      expiresAt: claims.expiresAt,
      satisfactionOptions: Object.entries(SATISFACTION_LABELS).map(([value, label]) => ({ value, label })),
    };
  }

  /** The resident's own rating through the signed link: a contacted answer on the resident's channel. */
  async rate(token: string, body: RatingBody, raw: unknown): Promise<AnswerResult> {
    const claims = this.verifyLink(token);
    return this.repository.transaction(async (tx) => {
      const task = await this.repository.lockTaskOfCycle(tx, claims.ticketId, claims.cycle);
      if (!task) throw callbackErrors.linkUnknown();
      if (task.status !== 'open') throw callbackErrors.alreadyRated();
      return this.record(tx, task, { contacted: true, ...body }, raw, {
        channel: 'resident-link',
        subject: null,
      });
    });
  }

  /** The link to give the resident for a task. */
  ratingUrl(task: Pick<TaskRow, 'ticketId' | 'cycle' | 'linkExpiresAt'>): string {
    const token = signRatingLink(
      { ticketId: task.ticketId, cycle: task.cycle, expiresAt: task.linkExpiresAt },
      this.linkSecret,
    );
    return `${this.linkBaseUrl}/${token}`;
  }

  private verifyLink(token: string) {
    const check = verifyRatingLink(token, this.linkSecret, this.clock.now());
    if (check.ok) return check.claims;
    switch (check.reason) {
      case 'expired':
        throw callbackErrors.linkExpired();
      case 'malformed':
      case 'bad-signature':
        throw callbackErrors.linkInvalid();
    }
  }

  /** Stores the answer as given, moves the task on, and writes its events, all in `tx`. */
  private async record(
    tx: Tx,
    task: TaskRow,
    answer: CallbackAnswerInput,
    raw: unknown,
    by: Recorder,
  ): Promise<AnswerResult> {
    const now = this.clock.now();
    const outcome = applyAnswer(task, answer, this.maxAttempts);
    await this.repository.insertAnswer(tx, {
      id: randomUUID(),
      taskId: task.id,
      ticketId: task.ticketId,
      cycle: task.cycle,
      channel: by.channel,
      recordedBy: by.subject,
      contacted: answer.contacted,
      resolved: answer.resolved ?? null,
      satisfaction: answer.satisfaction ?? null,
      comment: answer.comment ?? null,
      raw,
      recordedAt: now,
    });
    if (outcome.kind === 'attempt') {
      await this.repository.updateTask(tx, task.id, { status: 'open', attempts: outcome.attempts });
      return { taskId: task.id, status: 'open', attempts: outcome.attempts, rated: null, reopened: false };
    }
    await this.repository.updateTask(tx, task.id, {
      status: outcome.status,
      attempts: outcome.attempts,
      closedAt: now,
      ...outcome.rating,
      reopened: outcome.reopen,
    });
    await this.emit(tx, 'ticket.rated.v1', task.ticketId, now, {
      ticketId: task.ticketId,
      cycle: task.cycle,
      ...outcome.rating,
      ratedAt: now.toISOString(),
    } satisfies EventPayload<'ticket.rated.v1'>);
    if (outcome.reopen) {
      await this.emit(tx, 'ticket.reopened.v1', task.ticketId, now, {
        ticketId: task.ticketId,
        cycle: task.cycle + 1,
        reason: reopenReason(answer.comment),
        reopenedAt: now.toISOString(),
      } satisfies EventPayload<'ticket.reopened.v1'>);
    }
    return {
      taskId: task.id,
      status: outcome.status,
      attempts: outcome.attempts,
      rated: outcome.rating,
      reopened: outcome.reopen,
    };
  }

  private async emit(tx: Tx, type: EventType, ticketId: string, time: Date, data: unknown): Promise<void> {
    await this.outbox.add(tx, { type, subject: ticketId, data, time });
  }

  /** A task outside the caller's district is answered like one that does not exist. */
  private inScope(principal: Principal, task: TaskRow | null, id: string): TaskRow {
    if (!task) throw callbackErrors.notFound(id);
    if (principal.districtCode !== null && task.districtCode !== principal.districtCode) {
      throw callbackErrors.notFound(id);
    }
    return task;
  }

  private async context(tasks: readonly TaskRow[]) {
    const [tickets, replies] = await Promise.all([
      this.repository.tickets([...new Set(tasks.map((t) => t.ticketId))]),
      this.repository.replies(tasks),
    ]);
    return { tickets, replies };
  }

  private taskView(task: TaskRow, ticket: TicketRow | null, reply: ReplyRow | null, now: Date) {
    const closed = task.status !== 'open';
    return {
      id: task.id,
      ticketId: task.ticketId,
      cycle: task.cycle,
      status: task.status,
      attempts: task.attempts,
      maxAttempts: this.maxAttempts,
      leadUnitId: task.leadUnitId,
      leadAssignmentId: task.leadAssignmentId,
      replyDueAt: task.replyDueAt,
      callbackDueAt: task.callbackDueAt,
      overdue: !closed && now.getTime() > task.callbackDueAt.getTime(),
      reopenOnUnresolved: task.reopenOnUnresolved,
      claimedBy: task.claimedBy,
      claimedAt: task.claimedAt,
      openedAt: task.openedAt,
      closedAt: task.closedAt,
      outcome: closed
        ? {
            contacted: task.contacted,
            resolved: task.resolved,
            satisfaction: task.satisfaction,
            satisfactionLabel: task.satisfaction ? SATISFACTION_LABELS[task.satisfaction] : null,
            reopened: task.reopened,
          }
        : null,
      ticket: ticket && {
        number: ticket.number,
        requestType: ticket.requestType,
        categoryCode: ticket.categoryCode,
        urgency: ticket.urgency,
        location: {
          districtCode: ticket.districtCode,
          streetCode: ticket.streetCode,
          communityCode: ticket.communityCode,
        },
        confidential: ticket.confidential,
        receivedAt: ticket.receivedAt,
      },
      reply: reply && {
        assignmentId: reply.assignmentId,
        unitId: reply.unitId,
        result: reply.result,
        content: reply.content,
        staffId: reply.staffId,
        repliedAt: reply.repliedAt,
      },
      /** The resident's name and phone are not kept here: intake's ticket view shows them (audit-logged). */
      residentContact: { service: 'intake', path: `/tickets/${task.ticketId}` },
    };
  }
}

/** 400 naming each field that does not fit `contacted`; nothing is stored. */
function requireCoherent(answer: CallbackAnswerInput): void {
  const issues = answerIssues(answer);
  if (issues.length > 0) throw new ValidationError(issues.map((i) => ({ ...i })));
}

function answerView(row: AnswerRow) {
  return {
    id: row.id,
    channel: row.channel,
    recordedBy: row.recordedBy,
    contacted: row.contacted,
    resolved: row.resolved,
    satisfaction: row.satisfaction,
    comment: row.comment,
    recordedAt: row.recordedAt,
    raw: row.raw,
  };
}
