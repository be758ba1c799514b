import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_TIME_LIMITS, type EventType, URGENCY_CLASSES } from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import {
  type AppError,
  auditNote,
  Clock,
  ConflictError,
  ForbiddenError,
  inManagerScope,
  NotFoundError,
  PLATFORM_CONFIG,
  type Principal,
  UnprocessableError,
} from '@jsjb/platform';
import type { z } from 'zod';
import type { RoutingConfig } from '../config';
import type { UnitAssignment } from '../dispatch/dispatch.domain';
import { type DispatchedAssignment, DispatchService } from '../dispatch/dispatch.service';
import { OrganisationRepository } from '../organisation/organisation.repository';
import { ReferenceStore } from '../reference/reference-data';
import {
  type AssignmentAction,
  type AssignmentState,
  type AssignmentStatus,
  OPEN_STATUSES,
  subDeadlineIssue,
  transition,
  type WorkflowErrorCode,
} from './assignment.domain';
import type {
  contactSchema,
  disputeDecisionSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  inboxQuerySchema,
  progressSchema,
  replySchema,
  reportSchema,
  returnSchema,
  subAssignSchema,
  subResultSchema,
} from './workflow.dto';
import { type AssignmentRow, type TicketRow, type Tx, WorkflowRepository } from './workflow.repository';

/** Refusals about who may act (403) rather than about the assignment's state (409). */
const ROLE_REFUSALS: ReadonlySet<WorkflowErrorCode> = new Set([
  'ASSIGNMENT.COPY_ONLY',
  'ASSIGNMENT.LEAD_ONLY',
  'ASSIGNMENT.CO_HANDLER_ONLY',
]);

interface StepContext {
  tx: Tx;
  assignment: AssignmentRow;
  ticket: TicketRow;
  now: Date;
  next: { status: AssignmentStatus; disputedFrom: AssignmentStatus | null };
}

/**
 * The handling units' work on their assignments — 签收, 退单, 响应, 办理, 延期, 协办 reports, 下派,
 * 办结 — and the center's reviews of 退单 and 延期. Each step locks the assignment, asks the state
 * machine, and writes its change, its work-log entry and its event in one transaction.
 */
@Injectable()
export class WorkflowService {
  constructor(
    private readonly repository: WorkflowRepository,
    private readonly organisation: OrganisationRepository,
    private readonly reference: ReferenceStore,
    private readonly outbox: Outbox,
    private readonly dispatch: DispatchService,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: RoutingConfig,
  ) {}

  // ── reads ──────────────────────────────────────────────────────────────────

  async inbox(principal: Principal, query: z.infer<typeof inboxQuerySchema>) {
    const unitId = principal.role === 'unit_staff' ? principal.unitId : query.unitId;
    if (!unitId) {
      throw new UnprocessableError('INBOX.UNIT_REQUIRED', 'Say whose inbox: unitId.', [
        { field: 'unitId', code: 'required', message: 'required for roles without a unit' },
      ]);
    }
    if (principal.role === 'unit_staff' && query.unitId !== undefined && query.unitId !== unitId) {
      throw new ForbiddenError('UNIT.NOT_YOURS', `You do not act for unit ${query.unitId}.`);
    }
    if (!this.inScope(principal, unitId)) {
      throw new ForbiddenError('SCOPE.OUT_OF_SCOPE', `Unit ${unitId} is outside your scope.`);
    }
    const now = this.clock.now();
    const { total, rows } = await this.repository.inbox({
      unitId,
      statuses: query.overdue
        ? (query.status ?? OPEN_STATUSES).filter((s) => OPEN_STATUSES.includes(s))
        : (query.status ?? OPEN_STATUSES),
      role: query.role,
      overdueAt: query.overdue ? now : undefined,
      dueBefore: query.dueBefore ? new Date(query.dueBefore) : undefined,
      emergencyOnly: query.emergency,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return {
      page: query.page,
      pageSize: query.pageSize,
      total,
      items: rows.map(({ ticket, ...assignment }) => this.view(assignment, ticket, now)),
    };
  }

  async detail(principal: Principal, assignmentId: string) {
    return this.repository.transaction(async (tx) => {
      const assignment = await this.repository.findAssignment(tx, assignmentId);
      if (!assignment || !this.maySee(principal, assignment)) throw notFound(assignmentId);
      const ticket = await this.ticketOf(tx, assignment);
      const siblings = await this.repository.ticketAssignments(tx, assignment.ticketId, assignment.cycle);
      const coIds =
        assignment.role === 'lead' ? siblings.filter((s) => s.role === 'co').map((s) => s.id) : [];
      const [activities, disputes, extensions, subAssignments, coActivities] = await Promise.all([
        this.repository.activities(tx, [assignment.id]),
        this.repository.assignmentDisputes(tx, [assignment.id]),
        this.repository.assignmentExtensions(tx, [assignment.id]),
        this.repository.assignmentSubAssignments(tx, [assignment.id]),
        this.repository.activities(tx, coIds),
      ]);
      return {
        ...this.view(assignment, ticket, this.clock.now()),
        /** The other units on this cycle of the ticket (主办, 协办, 抄送) and where they are. */
        units: siblings
          .filter((s) => s.id !== assignment.id)
          .map((s) => ({
            assignmentId: s.id,
            unitId: s.unitId,
            role: s.role,
            status: s.status,
            completedAt: s.completedAt,
          })),
        activities,
        disputes,
        extensions,
        subAssignments,
        /** For the lead: what its co-handlers reported (协办 反馈). */
        coReports: coActivities.filter((a) => a.kind === 'co-report'),
      };
    });
  }

  // ── unit steps ─────────────────────────────────────────────────────────────

  /** 签收 */
  sign(principal: Principal, assignmentId: string) {
    return this.step(principal, assignmentId, 'sign', async ({ tx, assignment, now, next }) => {
      await this.repository.updateAssignment(tx, assignment.id, {
        status: next.status,
        signedAt: now,
        signedBy: principal.subject,
      });
      await this.log(tx, assignment, 'signed', principal, now, {});
      await this.emit(tx, 'assignment.signed.v1', assignment.ticketId, now, {
        ...ref(assignment),
        role: assignment.role,
        staffId: principal.subject,
        signedAt: now.toISOString(),
      });
      return { status: next.status, signedAt: now };
    });
  }

  /** 退单 — an objection on duty or jurisdiction grounds, for the center to review. */
  return(principal: Principal, assignmentId: string, body: z.infer<typeof returnSchema>) {
    return this.step(principal, assignmentId, 'return', async ({ tx, assignment, now, next }) => {
      if (body.suggestedUnitId !== undefined) this.knownUnit(body.suggestedUnitId, 'suggestedUnitId');
      const disputeId = randomUUID();
      await this.repository.createDispute(tx, {
        id: disputeId,
        assignmentId: assignment.id,
        ticketId: assignment.ticketId,
        unitId: assignment.unitId,
        reason: body.reason,
        note: body.note,
        suggestedUnitId: body.suggestedUnitId ?? null,
        raisedBy: principal.subject,
        raisedAt: now,
      });
      await this.repository.updateAssignment(tx, assignment.id, {
        status: next.status,
        disputedFrom: next.disputedFrom,
      });
      await this.log(tx, assignment, 'returned', principal, now, {
        disputeId,
        reason: body.reason,
        note: body.note,
      });
      await this.emit(tx, 'assignment.returned.v1', assignment.ticketId, now, {
        ...ref(assignment),
        disputeId,
        reason: body.reason,
        note: body.note,
        suggestedUnitId: body.suggestedUnitId ?? null,
        staffId: principal.subject,
        returnedAt: now.toISOString(),
      });
      return { status: next.status, disputeId };
    });
  }

  /** 响应 — a contact with the resident; the first that reaches them is the response. */
  contact(principal: Principal, assignmentId: string, body: z.infer<typeof contactSchema>) {
    return this.step(principal, assignmentId, 'contact', async ({ tx, assignment, now }) => {
      const contactedAt = body.contactedAt ? new Date(body.contactedAt) : now;
      if (contactedAt.getTime() > now.getTime() || contactedAt.getTime() < assignment.createdAt.getTime()) {
        throw new UnprocessableError('CONTACT.BAD_TIME', 'A contact is logged between dispatch and now.', [
          { field: 'contactedAt', code: 'out_of_range', message: 'must lie between dispatch and now' },
        ]);
      }
      const firstReached = body.result === 'reached' && assignment.firstContactAt === null;
      if (firstReached)
        await this.repository.updateAssignment(tx, assignment.id, { firstContactAt: contactedAt });
      await this.log(tx, assignment, 'contact', principal, contactedAt, {
        method: body.method,
        result: body.result,
        note: body.note,
      });
      await this.emit(tx, 'resident.contacted.v1', assignment.ticketId, now, {
        ...ref(assignment),
        method: body.method,
        result: body.result,
        note: body.note,
        contactedAt: contactedAt.toISOString(),
        firstReached,
        staffId: principal.subject,
      });
      return { firstContactAt: firstReached ? contactedAt : assignment.firstContactAt };
    });
  }

  /** 办理 — a progress note. */
  progress(principal: Principal, assignmentId: string, body: z.infer<typeof progressSchema>) {
    return this.step(principal, assignmentId, 'progress', async ({ tx, assignment, now }) => {
      await this.log(tx, assignment, 'progress', principal, now, { note: body.note });
      await this.emitProgress(tx, assignment, 'note', body.note, principal, now);
      return { at: now };
    });
  }

  /** 延期 — the lead asks the center for a later reply deadline. */
  requestExtension(principal: Principal, assignmentId: string, body: z.infer<typeof extensionRequestSchema>) {
    return this.step(principal, assignmentId, 'request-extension', async ({ tx, assignment, now }) => {
      const requestedDueAt = new Date(body.requestedDueAt);
      const currentDue = assignment.dueAt ?? now;
      if (requestedDueAt.getTime() <= currentDue.getTime()) {
        throw new UnprocessableError('EXTENSION.NOT_LATER', 'An extension must move the deadline later.', [
          {
            field: 'requestedDueAt',
            code: 'too_small',
            message: `must be after ${currentDue.toISOString()}`,
          },
        ]);
      }
      const extensionId = randomUUID();
      await this.repository.createExtension(tx, {
        id: extensionId,
        assignmentId: assignment.id,
        ticketId: assignment.ticketId,
        unitId: assignment.unitId,
        reason: body.reason,
        previousDueAt: currentDue,
        requestedDueAt,
        requestedBy: principal.subject,
        requestedAt: now,
      });
      await this.log(tx, assignment, 'extension-requested', principal, now, {
        extensionId,
        reason: body.reason,
        requestedDueAt: requestedDueAt.toISOString(),
      });
      await this.emit(tx, 'extension.requested.v1', assignment.ticketId, now, {
        ...ref(assignment),
        extensionId,
        reason: body.reason,
        requestedDueAt: requestedDueAt.toISOString(),
        staffId: principal.subject,
        requestedAt: now.toISOString(),
      });
      return { extensionId, status: 'pending' };
    });
  }

  /** 协办 反馈 — a co-handler reports to the lead; its part is done. */
  report(principal: Principal, assignmentId: string, body: z.infer<typeof reportSchema>) {
    return this.step(principal, assignmentId, 'report', async ({ tx, assignment, now, next }) => {
      await this.refuseOpenSubAssignments(tx, assignment);
      await this.repository.updateAssignment(tx, assignment.id, { status: next.status, completedAt: now });
      await this.log(tx, assignment, 'co-report', principal, now, { content: body.content });
      await this.emitProgress(tx, assignment, 'co-report', body.content, principal, now);
      return { status: next.status, reportedAt: now };
    });
  }

  /** 办结 — the lead's reply to the resident and the center. */
  reply(principal: Principal, assignmentId: string, body: z.infer<typeof replySchema>) {
    return this.step(principal, assignmentId, 'reply', async ({ tx, assignment, now, next }) => {
      await this.refuseOpenSubAssignments(tx, assignment);
      await this.repository.updateAssignment(tx, assignment.id, { status: next.status, completedAt: now });
      await this.repository.setTicketStatus(tx, assignment.ticketId, 'replied');
      await this.log(tx, assignment, 'reply', principal, now, { ...body });
      await this.emit(tx, 'ticket.replied.v1', assignment.ticketId, now, {
        ...ref(assignment),
        result: body.result,
        content: body.content,
        attachments: body.attachments,
        cycle: assignment.cycle,
        staffId: principal.subject,
        repliedAt: now.toISOString(),
      });
      return { status: next.status, repliedAt: now };
    });
  }

  /** 下派 — hand the order down to one of the street's grid teams with a sub-deadline inside the unit's own. */
  subAssign(principal: Principal, assignmentId: string, body: z.infer<typeof subAssignSchema>) {
    return this.step(principal, assignmentId, 'delegate', async ({ tx, assignment, now }) => {
      const team = await this.organisation.findTeam(body.teamId);
      if (!team || team.unitId !== assignment.unitId) {
        throw new UnprocessableError(
          'SUB_ASSIGNMENT.UNKNOWN_TEAM',
          'The team is not one of the unit’s grid teams.',
          [{ field: 'teamId', code: 'unknown_team', message: `not a grid team of ${assignment.unitId}` }],
        );
      }
      const dueAt = new Date(body.dueAt);
      const issue = subDeadlineIssue(dueAt, assignment.dueAt, now);
      if (issue) {
        throw new UnprocessableError(
          'SUB_ASSIGNMENT.BAD_DEADLINE',
          'The sub-deadline must fall inside the unit’s own.',
          [{ field: 'dueAt', code: 'out_of_range', message: issue }],
        );
      }
      const id = randomUUID();
      await this.repository.createSubAssignment(tx, {
        id,
        assignmentId: assignment.id,
        ticketId: assignment.ticketId,
        teamId: team.id,
        dueAt,
        instructions: body.instructions,
        status: 'assigned',
        assignedBy: principal.subject,
        assignedAt: now,
      });
      await this.log(tx, assignment, 'sub-assigned', principal, now, {
        subAssignmentId: id,
        teamId: team.id,
        areaCode: team.areaCode,
        dueAt: dueAt.toISOString(),
      });
      return { id, teamId: team.id, areaCode: team.areaCode, dueAt, status: 'assigned' };
    });
  }

  /** The grid team's on-site result (现场处置结果), which flows back into the unit's work log and reply. */
  async subResult(principal: Principal, subAssignmentId: string, body: z.infer<typeof subResultSchema>) {
    return this.subStep(principal, subAssignmentId, async (tx, sub, assignment, now) => {
      await this.repository.updateSubAssignment(tx, sub.id, {
        status: 'done',
        result: body.result,
        doneBy: principal.subject,
        doneAt: now,
      });
      await this.log(tx, assignment, 'on-site-result', principal, now, {
        subAssignmentId: sub.id,
        result: body.result,
      });
      await this.emitProgress(tx, assignment, 'on-site', body.result, principal, now);
      return { id: sub.id, status: 'done', doneAt: now };
    });
  }

  /** The unit takes a 下派 back (e.g. the wrong team). */
  async withdrawSub(principal: Principal, subAssignmentId: string) {
    return this.subStep(principal, subAssignmentId, async (tx, sub, assignment, now) => {
      await this.repository.updateSubAssignment(tx, sub.id, {
        status: 'withdrawn',
        doneBy: principal.subject,
        doneAt: now,
      });
      await this.log(tx, assignment, 'sub-withdrawn', principal, now, { subAssignmentId: sub.id });
      return { id: sub.id, status: 'withdrawn' };
    });
  }

  /** 网格 — what the caller's grid teams have been handed. */
  async teamWork(principal: Principal, status: 'assigned' | 'done' | 'withdrawn' | undefined) {
    const teams = await this.organisation.teamsOfMember(principal.subject);
    return {
      items: await this.repository.teamSubAssignments(
        teams.map((t) => t.id),
        status,
      ),
    };
  }

  // ── the center's reviews ───────────────────────────────────────────────────

  pendingDisputes(status: 'pending' | 'decided', page: number, pageSize: number) {
    return this.repository.disputes(
      status === 'pending' ? { decision: null } : { decision: { not: null } },
      (page - 1) * pageSize,
      pageSize,
    );
  }

  pendingExtensions(status: 'pending' | 'decided', page: number, pageSize: number) {
    return this.repository.extensions(
      status === 'pending' ? { decision: null } : { decision: { not: null } },
      (page - 1) * pageSize,
      pageSize,
    );
  }

  /** 异议审核 — approve (改派 to the corrected unit, a new assignment) or reject (back to the unit). */
  async decideDispute(principal: Principal, disputeId: string, body: z.infer<typeof disputeDecisionSchema>) {
    return this.repository.transaction(async (tx) => {
      const dispute = await this.repository.lockDispute(tx, disputeId);
      if (!dispute) throw new NotFoundError('DISPUTE.NOT_FOUND', `No dispute ${disputeId}.`);
      if (dispute.decision !== null)
        throw new ConflictError('DISPUTE.ALREADY_DECIDED', 'The dispute is already decided.');
      const assignment = await this.repository.lockAssignment(tx, dispute.assignmentId);
      if (!assignment) throw notFound(dispute.assignmentId);
      const ticket = await this.ticketOf(tx, assignment);
      const now = this.clock.now();
      const next = await this.decide(
        tx,
        assignment,
        body.decision === 'approved' ? 'approve-return' : 'reject-return',
        now,
      );

      let newAssignments: DispatchedAssignment[] = [];
      if (body.decision === 'approved') {
        const correctedUnitId = body.correctedUnitId ?? '';
        newAssignments = await this.redispatchTo(
          tx,
          assignment,
          ticket,
          correctedUnitId,
          `dispute:${dispute.id}`,
          now,
        );
        await this.withdrawOpenSubAssignments(tx, assignment, principal, now);
      }
      await this.repository.decideDispute(tx, dispute.id, {
        decision: body.decision,
        correctedUnitId: body.correctedUnitId ?? null,
        decisionNote: body.note,
        decidedBy: principal.subject,
        decidedAt: now,
      });
      await this.repository.updateAssignment(tx, assignment.id, {
        status: next.status,
        disputedFrom: next.disputedFrom,
        ...(body.decision === 'approved' ? { completedAt: now } : {}),
      });
      await this.log(tx, assignment, `dispute-${body.decision}`, principal, now, {
        disputeId: dispute.id,
        correctedUnitId: body.correctedUnitId ?? null,
        note: body.note,
      });
      await this.emit(tx, 'dispute.decided.v1', assignment.ticketId, now, {
        ...ref(assignment),
        disputeId: dispute.id,
        decision: body.decision,
        correctedUnitId: body.correctedUnitId ?? null,
        note: body.note,
        decidedBy: principal.subject,
        decidedAt: now.toISOString(),
      });
      if (newAssignments.length > 0) {
        await this.emit(tx, 'ticket.redispatched.v1', assignment.ticketId, now, {
          ticketId: assignment.ticketId,
          reason: 'dispute-approved',
          replaced: [{ assignmentId: assignment.id, unitId: assignment.unitId }],
          assignments: newAssignments,
          rule: `dispute:${dispute.id}`,
          catalogVersion: assignment.catalogueVersion,
          cycle: assignment.cycle,
          redispatchedAt: now.toISOString(),
        });
      }
      return {
        disputeId: dispute.id,
        decision: body.decision,
        assignmentStatus: next.status,
        newAssignments,
      };
    });
  }

  /** 延期 审批 — approve (the reply deadline moves) or refuse. */
  async decideExtension(
    principal: Principal,
    extensionId: string,
    body: z.infer<typeof extensionDecisionSchema>,
  ) {
    return this.repository.transaction(async (tx) => {
      const extension = await this.repository.lockExtension(tx, extensionId);
      if (!extension) throw new NotFoundError('EXTENSION.NOT_FOUND', `No extension request ${extensionId}.`);
      if (extension.decision !== null) {
        throw new ConflictError('EXTENSION.ALREADY_DECIDED', 'The extension request is already decided.');
      }
      const assignment = await this.repository.lockAssignment(tx, extension.assignmentId);
      if (!assignment) throw notFound(extension.assignmentId);
      const now = this.clock.now();
      auditNote({ before: { dueAt: assignment.dueAt?.toISOString() ?? null } });
      await this.decide(tx, assignment, 'decide-extension', now);
      const newDueAt =
        body.decision === 'approved'
          ? body.newDueAt
            ? new Date(body.newDueAt)
            : extension.requestedDueAt
          : null;
      if (newDueAt && assignment.dueAt && newDueAt.getTime() <= assignment.dueAt.getTime()) {
        throw new UnprocessableError(
          'EXTENSION.NOT_LATER',
          'An approved extension must move the deadline later.',
          [
            {
              field: 'newDueAt',
              code: 'too_small',
              message: `must be after ${assignment.dueAt.toISOString()}`,
            },
          ],
        );
      }
      await this.repository.decideExtension(tx, extension.id, {
        decision: body.decision,
        newDueAt,
        decisionNote: body.note,
        decidedBy: principal.subject,
        decidedAt: now,
      });
      if (newDueAt) await this.repository.updateAssignment(tx, assignment.id, { dueAt: newDueAt });
      await this.log(tx, assignment, `extension-${body.decision}`, principal, now, {
        extensionId: extension.id,
        newDueAt: newDueAt?.toISOString() ?? null,
        note: body.note,
      });
      await this.emit(tx, 'extension.decided.v1', assignment.ticketId, now, {
        ...ref(assignment),
        extensionId: extension.id,
        decision: body.decision,
        newDueAt: newDueAt?.toISOString() ?? null,
        note: body.note,
        decidedBy: principal.subject,
        decidedAt: now.toISOString(),
      });
      return { extensionId: extension.id, decision: body.decision, dueAt: newDueAt ?? assignment.dueAt };
    });
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  /** Runs one unit step on an assignment of the caller's unit, in one transaction. */
  private step<T>(
    principal: Principal,
    assignmentId: string,
    action: AssignmentAction,
    work: (context: StepContext) => Promise<T>,
  ): Promise<T> {
    return this.repository.transaction(async (tx) => {
      const assignment = await this.repository.lockAssignment(tx, assignmentId);
      // Another unit's assignment is reported as absent, not as forbidden: no leaking which ids exist.
      if (!assignment || assignment.unitId !== principal.unitId) throw notFound(assignmentId);
      const ticket = await this.ticketOf(tx, assignment);
      const now = this.clock.now();
      const next = await this.decide(tx, assignment, action, now);
      return work({ tx, assignment, ticket, now, next });
    });
  }

  private async subStep<T>(
    principal: Principal,
    subAssignmentId: string,
    work: (
      tx: Tx,
      sub: { id: string; assignmentId: string },
      assignment: AssignmentRow,
      now: Date,
    ) => Promise<T>,
  ): Promise<T> {
    return this.repository.transaction(async (tx) => {
      const sub = await this.repository.lockSubAssignment(tx, subAssignmentId);
      const assignment = sub ? await this.repository.lockAssignment(tx, sub.assignmentId) : undefined;
      if (!sub || !assignment || assignment.unitId !== principal.unitId) {
        throw new NotFoundError(
          'SUB_ASSIGNMENT.NOT_FOUND',
          `No sub-assignment ${subAssignmentId} for your unit.`,
        );
      }
      if (sub.status !== 'assigned') {
        throw new ConflictError('SUB_ASSIGNMENT.CLOSED', `The sub-assignment is already ${sub.status}.`);
      }
      return work(tx, sub, assignment, this.clock.now());
    });
  }

  /** Asks the state machine; a refusal becomes a 403 (who) or 409 (state) with the machine's code. */
  private async decide(tx: Tx, assignment: AssignmentRow, action: AssignmentAction, now: Date) {
    const ids = { assignmentId: assignment.id, ticketId: assignment.ticketId };
    auditNote({ resourceIds: ids, before: { assignmentStatus: assignment.status } });
    const state: AssignmentState = {
      role: assignment.role,
      status: assignment.status,
      dispatchedAt: assignment.createdAt,
      disputedFrom: assignment.disputedFrom,
      returnRejected:
        action === 'return' ? await this.repository.hasRejectedDispute(tx, assignment.id) : false,
      extensionPending: await this.repository.hasPendingExtension(tx, assignment.id),
    };
    const result = transition(state, action, {
      now,
      disputeWindowMs: this.config.DISPUTE_WINDOW_HOURS * 3_600_000,
    });
    if (!result.ok) {
      const error: AppError = ROLE_REFUSALS.has(result.code)
        ? new ForbiddenError(result.code, result.message)
        : new ConflictError(result.code, result.message);
      throw error;
    }
    auditNote({ after: { assignmentStatus: result.status } });
    return { status: result.status, disputedFrom: result.disputedFrom };
  }

  /**
   * 改派 after an approved return: the corrected unit takes the returned assignment's role (a street
   * lead is copied to its district unless already copied in this cycle), written like any dispatch —
   * deadlines from now, 紧急工单 flags and the on-duty person outside office hours.
   */
  private async redispatchTo(
    tx: Tx,
    old: AssignmentRow,
    ticket: TicketRow,
    unitId: string,
    rule: string,
    now: Date,
  ): Promise<DispatchedAssignment[]> {
    const { directory } = this.reference.current();
    const unit = this.knownUnit(unitId, 'correctedUnitId');
    const cycle = await this.repository.ticketAssignments(tx, old.ticketId, old.cycle);
    const holds = cycle.some((a) => a.unitId === unit.id && a.role !== 'copy' && a.status !== 'reassigned');
    if (unit.id === old.unitId || holds) {
      throw new UnprocessableError('DISPUTE.SAME_UNIT', 'The corrected unit already handles this ticket.', [
        {
          field: 'correctedUnitId',
          code: 'already_assigned',
          message: `${unit.id} already handles the ticket`,
        },
      ]);
    }
    const units: UnitAssignment[] = [{ unitId: unit.id, role: old.role }];
    const government = unit.kind === 'street' ? directory.districtGovernment(unit.districtCode) : undefined;
    if (old.role === 'lead' && government && !cycle.some((a) => a.unitId === government.id)) {
      units.push({ unitId: government.id, role: 'copy' });
    }
    return this.dispatch.writeAssignments(
      tx,
      {
        ticketId: old.ticketId,
        urgency: ticket.urgency,
        cycle: old.cycle,
        units,
        rule,
        catalogueVersion: old.catalogueVersion,
        replacesId: old.id,
      },
      now,
    );
  }

  private async refuseOpenSubAssignments(tx: Tx, assignment: AssignmentRow): Promise<void> {
    if ((await this.repository.openSubAssignments(tx, assignment.id)) > 0) {
      throw new ConflictError(
        'ASSIGNMENT.SUB_ASSIGNMENT_OPEN',
        'A grid team has not reported its on-site result yet; wait for it or withdraw the sub-assignment.',
      );
    }
  }

  private async withdrawOpenSubAssignments(
    tx: Tx,
    assignment: AssignmentRow,
    principal: Principal,
    now: Date,
  ) {
    for (const sub of await this.repository.assignmentSubAssignments(tx, [assignment.id])) {
      if (sub.status === 'assigned') {
        await this.repository.updateSubAssignment(tx, sub.id, {
          status: 'withdrawn',
          doneBy: principal.subject,
          doneAt: now,
        });
      }
    }
  }

  private knownUnit(unitId: string, field: string) {
    const unit = this.reference.current().directory.unit(unitId);
    if (!unit) {
      throw new UnprocessableError('UNIT.NOT_FOUND', `No unit ${unitId}.`, [
        { field, code: 'unknown_unit', message: `no unit ${unitId}` },
      ]);
    }
    return unit;
  }

  private async ticketOf(tx: Tx, assignment: AssignmentRow): Promise<TicketRow> {
    const ticket = await this.repository.findTicket(tx, assignment.ticketId);
    if (!ticket) throw new NotFoundError('TICKET.NOT_FOUND', `No ticket ${assignment.ticketId}.`);
    return ticket;
  }

  /** Whether a manager's scope (district, street, department) covers a unit's work; true for other roles. */
  private inScope(principal: Principal, unitId: string): boolean {
    const unit = this.reference.current().directory.unit(unitId);
    return inManagerScope(principal, {
      districtCode: unit !== undefined && 'districtCode' in unit ? unit.districtCode : null,
      streetCode: unit?.kind === 'street' ? unit.streetCode : null,
      unitIds: [unitId],
    });
  }

  private maySee(principal: Principal, assignment: AssignmentRow): boolean {
    switch (principal.role) {
      case 'unit_staff':
        return assignment.unitId === principal.unitId;
      case 'manager':
        return this.inScope(principal, assignment.unitId);
      case 'dispatcher':
      case 'admin':
        return true;
      case 'operator':
      case 'callback_agent':
      case 'resident':
        return false;
    }
  }

  private limits(ticket: TicketRow) {
    const urgency = URGENCY_CLASSES.find((u) => u === ticket.urgency) ?? 'general';
    return DEFAULT_TIME_LIMITS[urgency];
  }

  /** What a unit sees of an assignment: its ticket (no caller data), deadlines and flags. */
  private view(assignment: AssignmentRow, ticket: TicketRow, now: Date) {
    const respondBy = new Date(assignment.createdAt.getTime() + this.limits(ticket).response * 60_000);
    const open = OPEN_STATUSES.includes(assignment.status);
    return {
      id: assignment.id,
      ticketId: assignment.ticketId,
      number: ticket.number,
      unitId: assignment.unitId,
      role: assignment.role,
      status: assignment.status,
      cycle: assignment.cycle,
      rule: assignment.rule,
      catalogueVersion: assignment.catalogueVersion,
      requestType: ticket.requestType,
      categoryCode: ticket.categoryCode,
      urgency: ticket.urgency,
      content: ticket.content,
      confidential: ticket.confidential,
      location: ticket.location,
      dispatchedAt: assignment.createdAt,
      dueAt: assignment.dueAt,
      /** 响应 — contact the resident by then (until a contact reached them). */
      respondBy: assignment.role === 'copy' ? null : respondBy,
      signedAt: assignment.signedAt,
      firstContactAt: assignment.firstContactAt,
      completedAt: assignment.completedAt,
      onDutyStaffId: assignment.onDutyStaffId,
      flags: {
        /** 紧急工单 — until signed. */
        emergency: assignment.emergency && assignment.status === 'dispatched',
        overdue: open && assignment.dueAt !== null && assignment.dueAt.getTime() < now.getTime(),
        responseOverdue:
          open &&
          assignment.role !== 'copy' &&
          assignment.firstContactAt === null &&
          respondBy.getTime() < now.getTime(),
      },
    };
  }

  private async log(
    tx: Tx,
    assignment: AssignmentRow,
    kind: string,
    principal: Principal,
    at: Date,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.repository.addActivity(tx, {
      id: randomUUID(),
      assignmentId: assignment.id,
      ticketId: assignment.ticketId,
      kind,
      staffId: principal.subject,
      at,
      data,
    });
  }

  private async emit(tx: Tx, type: EventType, ticketId: string, time: Date, data: unknown): Promise<void> {
    await this.outbox.add(tx, { type, subject: ticketId, data, time });
  }

  private emitProgress(
    tx: Tx,
    assignment: AssignmentRow,
    kind: 'note' | 'co-report' | 'on-site',
    note: string,
    principal: Principal,
    now: Date,
  ): Promise<void> {
    return this.emit(tx, 'ticket.progressed.v1', assignment.ticketId, now, {
      ...ref(assignment),
      kind,
      note,
      staffId: principal.subject,
      at: now.toISOString(),
    });
  }
}

function ref(assignment: AssignmentRow) {
  return { ticketId: assignment.ticketId, assignmentId: assignment.id, unitId: assignment.unitId };
}

function notFound(assignmentId: string): NotFoundError {
  return new NotFoundError('ASSIGNMENT.NOT_FOUND', `No assignment ${assignmentId} for your unit.`);
}
